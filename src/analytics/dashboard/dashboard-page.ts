/**
 * The dashboard's page, style and script, served by Ponte itself (no CDN, no build step): the
 * script fetches `/admin/dashboard/data` every 30 s and draws with the bundled Chart.js.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ponte — painel</title>
<link rel="stylesheet" href="/admin/dashboard/dashboard.css">
<script src="/admin/dashboard/chart.umd.min.js" defer></script>
<script src="/admin/dashboard/dashboard.js" defer></script>
</head>
<body>
<header>
  <div><h1 id="workspace">Ponte</h1><p id="period" class="muted"></p></div>
  <p class="muted">Atualizado em <span id="updated">—</span> · a cada 30 s</p>
</header>
<main>
  <section id="kpis" class="cards" aria-label="Indicadores"></section>
  <section class="charts">
    <figure class="wide"><figcaption>Mensagens por dia (30 dias)</figcaption><div class="plot"><canvas id="trend"></canvas></div></figure>
    <figure><figcaption>Funil de entrega (7 dias)</figcaption><div class="plot"><canvas id="funnel"></canvas></div></figure>
    <figure><figcaption>Mensagens por canal (7 dias)</figcaption><div class="plot"><canvas id="channels"></canvas></div></figure>
  </section>
  <section class="panels">
    <div class="panel"><h2>Filas</h2><div class="scroll"><table id="queues"><thead><tr><th>Fila</th><th>Aguardando</th><th>Ativos</th><th>Atrasados</th><th>Falhas</th></tr></thead><tbody></tbody></table></div><p id="system" class="muted"></p></div>
    <div class="panel"><h2>Alertas</h2><ul id="alerts"></ul></div>
  </section>
  <p id="error" class="error" hidden></p>
</main>
</body>
</html>
`;

export const DASHBOARD_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:flex-end;gap:8px;padding:16px 20px;background:#1e3a8a;color:#fff}
header h1{margin:0;font-size:1.4rem}
header .muted{color:#c7d2fe;margin:4px 0 0}
main{padding:16px 20px;max-width:1400px;margin:0 auto}
.muted{color:#6b7280;font-size:.85rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.card{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card .label{font-size:.75rem;color:#6b7280}
.card .value{font-size:1.35rem;font-weight:700;margin:4px 0;overflow-wrap:anywhere}
.card .up{color:#15803d}.card .down{color:#b91c1c}.card .flat{color:#6b7280}
.card .var{font-size:.75rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:12px;margin-top:16px}
figure{margin:0;background:#fff;border-radius:8px;padding:12px;min-width:0}
figure.wide{grid-column:1/-1}
figcaption{font-weight:600;margin-bottom:8px}
.plot{position:relative;height:260px}
.panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:12px;margin-top:16px}
.panel{background:#fff;border-radius:8px;padding:12px;min-width:0}
.panel h2{font-size:1rem;margin:0 0 8px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{padding:6px 8px;text-align:right;border-bottom:1px solid #e5e7eb;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
td.bad{color:#b91c1c;font-weight:700}
ul{list-style:none;margin:0;padding:0}
li{padding:6px 0;border-bottom:1px solid #e5e7eb;font-size:.85rem}
li .firing{color:#b91c1c;font-weight:700}li .resolved{color:#15803d;font-weight:700}
.error{color:#b91c1c}
@media (max-width:480px){main{padding:12px}header{padding:12px}.plot{height:220px}.card .value{font-size:1.15rem}}
`;

export const DASHBOARD_JS = `'use strict';
(function () {
  var COLORS = ['#2563eb', '#16a34a', '#dc2626', '#f59e0b', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
  var charts = {};
  var nf = new Intl.NumberFormat('pt-BR');
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function chart(id, config) {
    if (charts[id]) {
      charts[id].data = config.data;
      charts[id].update('none');
      return;
    }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false, locale: 'pt-BR' }, config.options || {});
    charts[id] = new Chart(document.getElementById(id), config);
  }
  function render(d) {
    document.getElementById('workspace').textContent = d.workspace.name;
    document.getElementById('period').textContent = 'Últimos 7 dias: ' + d.period + ' (' + d.workspace.timeZone + ')';
    document.getElementById('updated').textContent = d.updatedAt;
    var cards = document.getElementById('kpis');
    cards.replaceChildren.apply(cards, d.kpis.map(function (k) {
      var c = el('div', 'card');
      c.append(el('div', 'label', k.label), el('div', 'value', k.value), el('div', 'var ' + k.direction, k.variation + ' vs. 7 dias anteriores'));
      return c;
    }));
    chart('trend', { type: 'line', data: { labels: d.trend.labels, datasets: d.trend.series.map(function (s, i) {
      return { label: s.label, data: s.values, borderColor: COLORS[i], backgroundColor: COLORS[i], tension: 0.25, pointRadius: 0 };
    }) }, options: { interaction: { mode: 'index', intersect: false } } });
    chart('funnel', { type: 'bar', data: { labels: d.funnel.labels, datasets: [{ label: 'Mensagens', data: d.funnel.values, backgroundColor: COLORS.slice(0, 3) }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } } } });
    chart('channels', { type: 'doughnut', data: { labels: d.channels.labels, datasets: [{ data: d.channels.values, backgroundColor: COLORS }] } });
    var body = document.querySelector('#queues tbody');
    if (d.queues) {
      body.replaceChildren.apply(body, d.queues.map(function (q) {
        var tr = el('tr');
        tr.append(el('td', '', q.name));
        [q.waiting, q.active, q.delayed, q.failed].forEach(function (n, i) {
          tr.append(el('td', (i === 0 && n > 100) || (i === 3 && n > 0) ? 'bad' : '', nf.format(n)));
        });
        return tr;
      }));
    }
    var stuck = Object.keys(d.system ? d.system.stuckWork : {}).filter(function (k) { return d.system.stuckWork[k] > 0; });
    document.getElementById('system').textContent = d.system
      ? 'Sistema: ' + d.system.status + ' · memória ' + nf.format(d.system.memoryMb) + ' MB · trabalho parado: ' +
        (stuck.length ? stuck.map(function (k) { return k + ' ' + d.system.stuckWork[k]; }).join(', ') : 'nenhum')
      : '';
    var list = document.getElementById('alerts');
    if (d.alerts === null) list.replaceChildren(el('li', 'muted', 'Alertas indisponíveis nesta instalação.'));
    else if (d.alerts.length === 0) list.replaceChildren(el('li', 'muted', 'Nenhum alerta recente.'));
    else list.replaceChildren.apply(list, d.alerts.map(function (a) {
      var li = el('li');
      li.append(el('span', a.state, a.state === 'firing' ? 'DISPARADO ' : 'RESOLVIDO '), document.createTextNode(new Date(a.at).toLocaleString('pt-BR') + ' · ' + a.rule + ': ' + a.message));
      return li;
    }));
  }
  function load() {
    fetch('/admin/dashboard/data', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (d) { document.getElementById('error').hidden = true; render(d); document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1); })
      .catch(function (e) { var p = document.getElementById('error'); p.hidden = false; p.textContent = 'Falha ao atualizar: ' + e.message; });
  }
  load();
  setInterval(load, 30000);
})();
`;
