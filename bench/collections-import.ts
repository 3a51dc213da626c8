import { BENCH_ADMIN_KEY, Report, rssMb, settle, startPonte } from './support';

const ROWS = Number(process.env.BENCH_COLLECTIONS_ROWS ?? 100_000);

/** A valid CPF from a 9-digit body (check digits computed here, not by the code measured). */
function cpf(n: number): string {
  const body = String(100000000 + n).slice(-9);
  const dv = (digits: string, start: number) => {
    const r = [...digits].reduce((s, d, i) => s + Number(d) * (start - i), 0) % 11;
    return r < 2 ? 0 : 11 - r;
  };
  const d1 = dv(body, 10);
  return body + d1 + dv(body + d1, 11);
}

/** The CSV (Portuguese headers, `;`, quoted names) and the rows that must be rejected: every 100th, three ways. */
function csvWithBadRows(rows: number): { csv: Buffer; bad: Map<number, string> } {
  const lines = ['externalId;nome;cpf_cnpj;telefone;valor;vencimento;descricao'];
  const bad = new Map<number, string>();
  for (let i = 1; i <= rows; i++) {
    let doc = cpf(i);
    let phone = `3199${String(1000000 + (i % 10_000_000)).slice(-7)}`;
    let value = `${(i % 5000) + 1},90`;
    if (i % 100 === 0) {
      const kind = (i / 100) % 3;
      if (kind === 0) doc = doc.slice(0, 10) + ((Number(doc[10]) + 1) % 10);
      else if (kind === 1) phone = '12';
      else value = 'muito';
      bad.set(i, ['document', 'phone', 'amount'][kind]);
    }
    lines.push(`B-${i};"Devedor ${i}; Silva";${doc};${phone};${value};30/11/2026;Mensalidade ${i % 12}`);
  }
  return { csv: Buffer.from(lines.join('\r\n') + '\r\n'), bad };
}

/**
 * collections-import: a 100,000-row CSV with 1 % bad rows posted as `text/csv` to a production
 * build; rows/s from the POST until the import reports `completed`, Ponte's RSS (sampled every
 * 100 ms) before and at its peak, and the report checked: exactly the bad rows rejected, with
 * their field, the rest accepted.
 */
export async function collectionsImport(): Promise<void> {
  const report = new Report('collections-import');
  await settle();
  const { csv, bad } = csvWithBadRows(ROWS);
  // Above 100,000 rows (to see whether memory keeps growing with the file) the row cap is raised.
  const ponte = await startPonte({ COLLECTIONS_IMPORT_MAX_ROWS: String(Math.max(ROWS, 100_000)) });
  try {
    const headers = { authorization: `Bearer ${BENCH_ADMIN_KEY}` };
    const rssBefore = rssMb(ponte.child.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(ponte.child.pid))), 100);
    const started = Date.now();
    const res = await fetch(`${ponte.url}/v1/collections/debtors/import`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: csv,
    });
    const accepted = (await res.json()) as { id: string };
    if (res.status !== 202) throw new Error(`import answered ${res.status}: ${JSON.stringify(accepted)}`);
    const uploadMs = Date.now() - started;
    let view: Record<string, any>;
    for (;;) {
      const r = await fetch(`${ponte.url}/v1/collections/imports/${accepted.id}`, { headers });
      view = (await r.json()) as Record<string, any>;
      if (view.status === 'completed' || view.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const elapsedMs = Date.now() - started;
    clearInterval(sampler);
    const rejected = (view.rejectedRows as Array<{ row: number; field: string }>).map((r) => [
      r.row,
      r.field,
    ]);
    const expected = [...bad].map(([row, field]) => [row, field]);
    const exact = JSON.stringify(rejected) === JSON.stringify(expected);
    report.figure('import-100k-csv', {
      rows: ROWS,
      bytes: csv.length,
      status: view.status,
      accepted: view.accepted,
      rejected: view.rejected,
      rejectedRowsExact: exact,
      uploadMs,
      elapsedMs,
      rowsPerSecond: Math.round(ROWS / (elapsedMs / 1000)),
      rssBeforeMb: rssBefore,
      rssPeakMb: rssPeak,
      rssGrowthMb: rssPeak - rssBefore,
    });
    report.save();
    if (view.status !== 'completed' || view.accepted !== ROWS - bad.size || !exact)
      throw new Error(`the import report is wrong: ${JSON.stringify({ ...view, rejectedRows: undefined })}`);
  } finally {
    await ponte.stop();
  }
}
