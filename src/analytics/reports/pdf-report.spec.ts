import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedKpis } from '../../../test/fixtures/fixed-analytics.module';
import { writePdf } from './pdf-report';
import { buildReportModel } from './report-model';

describe('PDF report without DejaVu', () => {
  it('falls back to Helvetica, whose WinAnsi encoding still renders pt-BR accents and R$', async () => {
    const from = new Date('2026-11-01T03:00:00Z');
    const to = new Date('2026-11-08T03:00:00Z');
    const model = buildReportModel({
      workspaceName: 'Açaí da Conceição',
      kpis: fixedKpis('w', from, to),
      sentByDay: {
        metric: 'messages.sent',
        interval: 'day',
        timeZone: 'America/Sao_Paulo',
        from: from.toISOString(),
        to: to.toISOString(),
        groupBy: null,
        points: [],
      },
      generatedAt: to,
    });
    const dir = mkdtempSync(join(tmpdir(), 'ponte-pdf-'));
    try {
      const file = join(dir, 'r.pdf');
      writeFileSync(file, await writePdf(model, join(dir, 'no-fonts-here')));
      expect(execFileSync('pdffonts', [file]).toString()).toMatch(/Helvetica/);
      const text = execFileSync('pdftotext', [file, '-']).toString();
      expect(text).toContain('Açaí da Conceição');
      expect(text).toContain('Período: 01/11/2026 a 07/11/2026');
      expect(text).toMatch(/R\$\s48\.239,50/);
      expect(text).toContain('Não compareceram');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
