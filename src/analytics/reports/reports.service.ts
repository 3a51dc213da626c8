import { Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { WorkspacesService } from '../../gateway/workspaces/workspaces.service';
import { Clock } from '../../platform/clock';
import { AnalyticsQueries } from '../analytics.types';
import { writeCsv } from './csv-report';
import { writePdf } from './pdf-report';
import { reportPeriod } from './report-period';
import { buildReportModel, localDay, ReportModel } from './report-model';
import type { ReportFormat } from './reports.dto';
import { reportsConfig } from './reports.config';
import { writeXlsx } from './xlsx-report';

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  filename: string;
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
};

/** A workspace's report for a period: its figures from analytics, laid out as xlsx, PDF or CSV. */
@Injectable()
export class AnalyticsReports {
  constructor(
    private readonly queries: AnalyticsQueries,
    private readonly workspaces: WorkspacesService,
    private readonly clock: Clock,
    @InjectConfig(reportsConfig) private readonly config: ConfigOf<typeof reportsConfig>,
  ) {}

  async render(
    workspaceId: string,
    format: ReportFormat,
    period: { from?: string; to?: string } | { from: Date; to: Date },
  ): Promise<RenderedReport> {
    const profile = await this.workspaces.profileOf(workspaceId);
    const { from, to } =
      period.from instanceof Date && period.to instanceof Date
        ? { from: period.from, to: period.to }
        : reportPeriod(period as { from?: string; to?: string }, profile.timeZone, this.clock.now());
    const model = await this.model(workspaceId, profile.name, from, to);
    const body =
      format === 'xlsx'
        ? await writeXlsx(model)
        : format === 'pdf'
          ? await writePdf(model, this.config.fontDir)
          : writeCsv(model);
    const first = localDay(from, model.timeZone);
    const last = localDay(new Date(to.getTime() - 1), model.timeZone);
    return { body, contentType: CONTENT_TYPES[format], filename: `relatorio-${first}_${last}.${format}` };
  }

  private async model(
    workspaceId: string,
    workspaceName: string,
    from: Date,
    to: Date,
  ): Promise<ReportModel> {
    const kpis = await this.queries.kpis(workspaceId, from, to);
    const sentByDay = await this.queries.trend(workspaceId, {
      metric: 'messages.sent',
      interval: 'day',
      from: from.toISOString(),
      to: to.toISOString(),
      timeZone: kpis.timeZone,
    });
    return buildReportModel({ workspaceName, kpis, sentByDay, generatedAt: this.clock.now() });
  }
}
