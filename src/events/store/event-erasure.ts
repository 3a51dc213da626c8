import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type ConfigOf, InjectConfig } from '../../config/area-config';
import { eventsConfig } from '../events.config';
import { Clock } from '../../platform/clock';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import { OnJob } from '../../platform/queue/on-job.decorator';

/** Called after events' payloads were erased (`workspaceId`) or anonymised by retention (`null`). */
export type ErasureListener = (workspaceId: string | null, eventIds: string[]) => Promise<void>;

export const EVENTS_ERASED = definePluginPoint<ErasureListener>({ title: 'events-erased listener' });

/**
 * `@OnEventsErased()`: a module that copied event payloads (deliveries) blanks its copies when the
 * events are erased or anonymised. Listeners run in discovery order, after the events' update.
 */
export const OnEventsErased = () => declare(EVENTS_ERASED);

const BATCH = 5000;

/**
 * LGPD for the event store: the events that mention a person (export, erasure) and the retention
 * job that anonymises every payload older than RETENTION_DAYS. Modules that copied payloads
 * (deliveries) listen and blank their copies too. Type, times and status stay, so counts hold.
 */
@Injectable()
export class EventErasure {
  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig(eventsConfig) private readonly config: ConfigOf<typeof eventsConfig>,
    private readonly clock: Clock,
    private readonly plugins: PluginRegistry,
  ) {}

  private get listeners(): ErasureListener[] {
    return this.plugins.get(EVENTS_ERASED).map((d) => d.handler);
  }

  /** Events of the workspace whose payload contains any of `needles` (a contact id, phone digits, an e-mail). */
  async mentioning(
    workspaceId: string,
    needles: string[],
  ): Promise<Array<{ id: string; type: string; occurredAt: Date; data: unknown }>> {
    const values = needles.filter((n) => n.length >= 5);
    if (values.length === 0) return [];
    return this.dataSource.query(
      `SELECT id, type, occurred_at AS "occurredAt", data FROM events
       WHERE workspace_id = $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS n WHERE strpos(events.data::text, n) > 0)
       ORDER BY id`,
      [workspaceId, values],
    );
  }

  async erase(workspaceId: string, eventIds: string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE events SET data = '{"erased": true}'::jsonb, raw_body = NULL, last_error = NULL WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
      [workspaceId, eventIds],
    );
    for (const listener of this.listeners) await listener(workspaceId, eventIds);
    return count;
  }

  /** Daily: payloads of finished events older than RETENTION_DAYS become `{"anonymised": true}`. */
  @OnJob('events.anonymise')
  async anonymiseOld(): Promise<{ anonymised: number }> {
    const cutoff = new Date(this.clock.nowMs() - this.config.retentionDays * 24 * 3600 * 1000);
    let total = 0;
    for (;;) {
      const rows: Array<{ id: string }> = await this.dataSource
        .query(
          `UPDATE events SET data = '{"anonymised": true}'::jsonb, raw_body = NULL, last_error = NULL
         WHERE id IN (SELECT id FROM events WHERE received_at < $1 AND status IN ('processed', 'dead')
                      AND NOT (data ? 'anonymised') AND NOT (data ? 'erased') LIMIT ${BATCH})
         RETURNING id`,
          [cutoff],
        )
        .then((r: [Array<{ id: string }>, number]) => r[0]);
      if (rows.length === 0) return { anonymised: total };
      for (const listener of this.listeners)
        await listener(
          null,
          rows.map((r) => r.id),
        );
      total += rows.length;
    }
  }
}
