import { Injectable } from '@nestjs/common';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { ReportSchedules } from './report-schedules.service';
import './reports.jobs';

/** The weekly report's jobs; thin: each calls the schedules. */
@Injectable()
export class ReportsProcessor {
  constructor(private readonly schedules: ReportSchedules) {}

  @OnJob('analytics.report-due')
  async due(): Promise<void> {
    await this.schedules.enqueueDue();
  }

  @OnJob('analytics.report-send')
  send(data: { workspaceId: string; runAt: string }): Promise<void> {
    return this.schedules.send(data.workspaceId, new Date(data.runAt));
  }
}
