import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GroupCommit } from '../../platform/database/group-commit';
import { InjectConfig } from '../../config/area-config';
import { analyticsConfig, type AnalyticsConfig } from '../analytics.config';
import type { Fact } from './fact';
import { rollupSelect, upsertRollups } from './rollup-sql';
import { rebuildRollups } from './rollup-rebuild';

/**
 * How long a batch smaller than ANALYTICS_INGEST_BATCH waits for more facts: at 50 messages/s
 * (three facts each) one statement per ~7 facts instead of per 1–2; this statement is the
 * costliest of a message's to plan and run.
 */
const LINGER_MS = 50;
const COLUMNS = `id, workspace_id, metric, at, channel, provider, status, event_type, source, workflow, campaign, value, duration_ms`;

/**
 * Facts in, rollups up to date: each batch is one statement that stores the facts not seen before
 * (`ON CONFLICT DO NOTHING` on the fact's id) and adds exactly those to the hourly rollups, so a
 * fact reported twice counts once and a crash leaves facts and rollups agreeing. Reports from
 * concurrent callers are gathered into one batch (group commit); each caller waits for its own.
 */
@Injectable()
export class FactIngest {
  private readonly batches: GroupCommit<Fact, void>;

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig(analyticsConfig) config: AnalyticsConfig,
  ) {
    // One flush at a time: concurrent flushes add to the same hourly and daily rollup rows and
    // would only wait for each other's row locks; meanwhile the next batch gathers. Nobody waits
    // on a fact but the job that reported it: a trickle lingers to be written with company.
    this.batches = new GroupCommit((facts) => this.write(facts), {
      maxBatch: config.ingestBatch,
      maxInFlight: 1,
      lingerMs: LINGER_MS,
    });
  }

  async record(facts: Fact[]): Promise<void> {
    if (facts.length) await this.batches.add(facts);
  }

  /** One statement for the batch. */
  async write(facts: Fact[]): Promise<void> {
    if (!facts.length) return;
    const col = <T>(pick: (f: Fact) => T) => facts.map(pick);
    await this.dataSource.query(
      `WITH input AS (
         SELECT DISTINCT ON (id) * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[],
           $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[])
           AS t(${COLUMNS})),
       fresh AS (
         INSERT INTO analytics_facts (${COLUMNS}) SELECT * FROM input ON CONFLICT (id) DO NOTHING
         RETURNING ${COLUMNS}),
       hourly AS (${upsertRollups(rollupSelect('fresh'))})
       ${upsertRollups(rollupSelect('fresh', 'day'), 'analytics_daily_rollups')}`,
      [
        col((f) => f.id),
        col((f) => f.workspaceId),
        col((f) => f.metric),
        col((f) => f.at.toISOString()),
        col((f) => f.channel ?? ''),
        col((f) => f.provider ?? ''),
        col((f) => f.status ?? ''),
        col((f) => f.eventType ?? ''),
        col((f) => f.source ?? ''),
        col((f) => f.workflow ?? ''),
        col((f) => f.campaign ?? ''),
        col((f) => Math.round(f.value ?? 0)),
        col((f) => (f.durationMs == null ? null : Math.max(0, Math.round(f.durationMs)))),
      ],
    );
  }

  /** See rebuildRollups (`npm run analytics:rebuild`). */
  rebuild(): Promise<{ facts: number; rows: number }> {
    return rebuildRollups(this.dataSource);
  }
}
