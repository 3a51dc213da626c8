import { Injectable } from '@nestjs/common';
import { OnJob } from '../platform/queue/on-job.decorator';
import { CalendarPush } from './calendar-push';
import { CalendarSync } from './calendar-sync';

/** The calendar's jobs; thin: each calls its service. */
@Injectable()
export class CalendarProcessor {
  constructor(
    private readonly sync: CalendarSync,
    private readonly push: CalendarPush,
  ) {}

  @OnJob('calendar.sync-due')
  async syncDue(): Promise<void> {
    await this.sync.enqueueDue();
  }

  @OnJob('calendar.sync')
  syncOne(data: { workspaceId: string; connectionId: string }): Promise<void> {
    return this.sync.sync(data.connectionId);
  }

  @OnJob('calendar.push')
  pushOne(data: { workspaceId: string; eventId: string; seq: number }): Promise<void> {
    return this.push.push(data.eventId, data.seq);
  }
}
