import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type request from 'supertest';
import { FixedAnalytics, FixedAnalyticsModule } from '../fixtures/fixed-analytics.module';
import { startTestApp, TestApp } from '../support/test-app';

const OUT = join(__dirname, '../../test-results/analytics-reports');

/** Reads a binary answer of supertest into a Buffer. */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

/** Share of pixels that are not near-white in a region of a binary PPM (P6) image. */
function inkRatio(ppm: Buffer, region: { x: number; y: number; w: number; h: number }): number {
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 50).toString('latin1'))!;
  const width = Number(header[1]);
  const offset = header[0].length;
  let ink = 0;
  for (let y = region.y; y < region.y + region.h; y++)
    for (let x = region.x; x < region.x + region.w; x++) {
      const i = offset + (y * width + x) * 3;
      if (ppm[i] < 200 || ppm[i + 1] < 200 || ppm[i + 2] < 200) ink++;
    }
  return ink / (region.w * region.h);
}

describe('analytics reports (xlsx, pdf, csv)', () => {
  let t: TestApp;
  let fixed: FixedAnalytics;
  let otherKey: string;
  let otherId: string;
  const november = '/v1/analytics/report?from=2026-11-01&to=2026-11-30';

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    t = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '100000' },
      analyticsQueries: FixedAnalyticsModule,
    });
    fixed = t.app.get(FixedAnalytics);
    const own = await t.http().get('/v1/workspace').set(t.auth());
    await t
      .http()
      .patch(`/v1/workspaces/${own.body.id}`)
      .set(t.auth())
      .send({ name: 'Clínica São João' })
      .expect(200);
    const other = await t.http().post('/v1/workspaces').set(t.auth()).send({ name: 'Padaria Pão Quente' });
    otherKey = other.body.adminKey.key as string;
    otherId = other.body.id as string;
    fixed.scale.set(otherId, 3);
  });
  afterAll(() => t.close());

  const get = (path: string, key?: string) => t.http().get(path).set(t.auth(key)).buffer(true).parse(binary);

  it('xlsx: cover, KPI tables with numbers as numbers in pt-BR formats, and native charts in the zip', async () => {
    const res = await get(`${november}&format=xlsx`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="relatorio-2026-11-01_2026-11-30.xlsx"',
    );
    const file = res.body as Buffer;
    writeFileSync(join(OUT, 'report.xlsx'), file);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Capa', 'Indicadores', 'Detalhamento', 'Gráficos']);
    const cover = book.getWorksheet('Capa')!;
    expect(cover.getCell('B3').value).toBe('Clínica São João');
    expect(cover.getCell('B4').value).toBe('01/11/2026 a 30/11/2026');

    const kpis = book.getWorksheet('Indicadores')!;
    const row = (label: string) => {
      let found: ExcelJS.Row | undefined;
      kpis.eachRow((r) => {
        if (r.getCell(2).value === label) found = r;
      });
      return found!;
    };
    const sent = row('Mensagens enviadas');
    expect(sent.getCell(3).value).toBe(12_480);
    expect(sent.getCell(4).value).toBe(11_020);
    expect(sent.getCell(3).numFmt).toBe('#,##0');
    expect(sent.getCell(5).value).toBeCloseTo((12_480 - 11_020) / 11_020, 6);
    expect(row('Taxa de entrega').getCell(3)).toMatchObject({ value: 0.9078, numFmt: '0.0%' });
    expect(row('Valor recuperado').getCell(3)).toMatchObject({ value: 48_239.5, numFmt: '"R$" #,##0.00' });
    expect(row('Tempo até a entrega (mediana)').getCell(3).value).toBe(1.85);

    const charts = book.getWorksheet('Gráficos')!;
    expect(charts.getCell('A2').value).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(typeof charts.getCell('B2').value).toBe('number');
    expect(charts.getCell('D2').value).toBe('Enviadas');
    expect(charts.getCell('E2').value).toBe(12_480);

    const zip = await JSZip.loadAsync(file);
    const chartParts = Object.keys(zip.files)
      .filter((f) => /^xl\/charts\/chart\d+\.xml$/.test(f))
      .sort();
    expect(chartParts).toEqual(['xl/charts/chart1.xml', 'xl/charts/chart2.xml', 'xl/charts/chart3.xml']);
    const xml = await Promise.all(chartParts.map((p) => zip.file(p)!.async('string')));
    expect(xml[0]).toContain('<c:barDir val="col"/>');
    expect(xml[0]).toContain("<c:f>'Gráficos'!$B$2:$B$31</c:f>");
    expect(xml[1]).toContain('<c:barDir val="bar"/>');
    expect(xml[1]).toContain('<c:v>Enviadas</c:v>');
    expect(xml[2]).toContain('<c:doughnutChart>');
    expect(xml[2]).toContain('<c:v>WhatsApp</c:v>');
    const types = await zip.file('[Content_Types].xml')!.async('string');
    expect(types).toContain(
      '/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"',
    );
    expect(types).toContain('/xl/drawings/drawing1.xml');
    const sheet4 = await zip.file('xl/worksheets/sheet4.xml')!.async('string');
    expect(sheet4).toMatch(/<drawing r:id="rIdPonteCharts"\/>/);
    const rels = await zip.file('xl/worksheets/_rels/sheet4.xml.rels')!.async('string');
    expect(rels).toContain('Target="../drawings/drawing1.xml"');
  });

  it('pdf: embedded fonts with accents, pt-BR figures, and charts drawn (pages rendered with pdftoppm)', async () => {
    const res = await get(`${november}&format=pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="relatorio-2026-11-01_2026-11-30.pdf"',
    );
    const pdf = join(OUT, 'report.pdf');
    writeFileSync(pdf, res.body as Buffer);

    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    for (const expected of [
      'Relatório de desempenho',
      'Clínica São João',
      'Período: 01/11/2026 a 30/11/2026',
      'Mensagens enviadas',
      '12.480',
      '90,8%',
      'R$ 48.239,50',
      'Não compareceram',
      '+13,2%',
    ])
      expect(text).toContain(expected);
    const fonts = execFileSync('pdffonts', [pdf]).toString();
    expect(fonts).toMatch(/DejaVuSans\b.*TrueType.*yes/);

    // Every page as PNG for a person to look at, and the charts page as PPM for a pixel check.
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(OUT, 'report-page')]);
    const pages = execFileSync('pdfinfo', [pdf]).toString();
    const count = Number(/Pages:\s+(\d+)/.exec(pages)![1]);
    expect(count).toBeGreaterThanOrEqual(3);
    execFileSync('pdftoppm', [
      '-r',
      '72',
      '-f',
      String(count),
      '-l',
      String(count),
      pdf,
      join(OUT, 'charts'),
    ]);
    const ppm = readFileSync(join(OUT, `charts-${count}.ppm`));
    // At 72 dpi a point is a pixel: the bar chart's plot, the funnel's bars, the donut's ring.
    expect(inkRatio(ppm, { x: 100, y: 120, w: 430, h: 180 })).toBeGreaterThan(0.15);
    expect(inkRatio(ppm, { x: 120, y: 385, w: 150, h: 80 })).toBeGreaterThan(0.3);
    expect(inkRatio(ppm, { x: 60, y: 560, w: 170, h: 170 })).toBeGreaterThan(0.3);
    // The empty margin right of the donut's legend stays blank: the check can fail.
    expect(inkRatio(ppm, { x: 440, y: 700, w: 100, h: 60 })).toBeLessThan(0.01);
  });

  it('csv: UTF-8 with BOM, semicolons, decimal commas (Brazilian Excel)', async () => {
    const res = await get(`${november}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="relatorio-2026-11-01_2026-11-30.csv"',
    );
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('Workspace;Clínica São João');
    expect(lines).toContain('Mensagens;Mensagens enviadas;;12480;11020;13,25');
    expect(lines).toContain('Mensagens;Taxa de entrega;%;90,78;89,76;1,14');
    expect(lines).toContain('Cobrança;Valor recuperado;R$;48239,50;39124,00;23,30');
  });

  it("another workspace's key gets its own workspace and figures, never the first one's", async () => {
    fixed.asked.length = 0;
    const res = await get(`${november}&format=csv`, otherKey);
    expect(res.status).toBe(200);
    const text = (res.body as Buffer).toString('utf8');
    expect(text).toContain('Workspace;Padaria Pão Quente');
    expect(text).toContain('Mensagens;Mensagens enviadas;;37440;33060;13,25');
    expect(text).not.toContain('Clínica São João');
    expect(new Set(fixed.asked.map((a) => a.workspaceId))).toEqual(new Set([otherId]));
  });

  it.each([
    ['an unknown format', `${november}&format=docx`],
    ['a date that is not one', '/v1/analytics/report?from=2026-13-45'],
    ['to before from', '/v1/analytics/report?from=2026-11-30&to=2026-11-01'],
    ['more than 366 days', '/v1/analytics/report?from=2024-01-01&to=2026-01-01'],
  ])('refuses %s with 400 problem+json', async (_what, path) => {
    const res = await t.http().get(path).set(t.auth());
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('needs analytics:read', async () => {
    expect((await t.http().get(november)).status).toBe(401);
    const key = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth())
      .send({ name: 'events only', scopes: ['events:read'] });
    const res = await t
      .http()
      .get(november)
      .set(t.auth(key.body.key as string));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN_SCOPE');
    const reader = await t
      .http()
      .post('/v1/api-keys')
      .set(t.auth())
      .send({ name: 'reader', scopes: ['analytics:read'] });
    expect(
      (
        await t
          .http()
          .get(`${november}&format=csv`)
          .set(t.auth(reader.body.key as string))
      ).status,
    ).toBe(200);
  });
});
