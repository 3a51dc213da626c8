import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { BatchLoader } from '../../platform/database/batched';
import { EventRecord } from './event.entity';

/** A stored event as other modules may read it. */
export interface EventSnapshot {
  id: string;
  type: string;
  occurredAt: Date;
  data: Record<string, unknown>;
  dedupeKey: string | null;
}

/**
 * The events table belongs to this module: other modules read a stored event, find one they
 * emitted, or add to its data through here (not with SQL of their own).
 */
@Injectable()
export class EventLookup {
  /** Concurrent reads (a worker running many workflow jobs) share one `id = ANY($1)` query. */
  private readonly loader = new BatchLoader<string, EventSnapshot>(async (ids) => {
    const rows: Array<{
      id: string;
      type: string;
      occurred_at: Date;
      data: Record<string, unknown>;
      dedupe_key: string | null;
    }> = await this.events.query(
      `SELECT id, type, occurred_at, data, dedupe_key FROM events WHERE id = ANY($1::uuid[])`,
      [ids.filter(isUuid)],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { id: r.id, type: r.type, occurredAt: r.occurred_at, data: r.data, dedupeKey: r.dedupe_key },
      ]),
    );
  });

  constructor(@InjectRepository(EventRecord) private readonly events: Repository<EventRecord>) {}

  /** Null when gone (erased or purged). Each caller gets its own copy of the data. */
  async get(id: string): Promise<EventSnapshot | null> {
    const found = await this.loader.load(id);
    return found ? { ...found, data: structuredClone(found.data) } : null;
  }

  /** The id of the internal event (no source) stored under `dedupeKey`, if any. */
  async internalIdByDedupeKey(workspaceId: string, dedupeKey: string): Promise<string | null> {
    const row = await this.events.findOne({
      where: { workspaceId, sourceId: IsNull(), dedupeKey },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  /** Merges `patch` into the stored event's data (a shallow jsonb `||`). */
  async mergeData(id: string, patch: Record<string, unknown>): Promise<void> {
    await this.events.query(`UPDATE events SET data = data || $2::jsonb WHERE id = $1`, [
      id,
      JSON.stringify(patch),
    ]);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (id: string) => UUID.test(id);
