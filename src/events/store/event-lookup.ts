import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
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
  constructor(@InjectRepository(EventRecord) private readonly events: Repository<EventRecord>) {}

  /** Null when gone (erased or purged). */
  async get(id: string): Promise<EventSnapshot | null> {
    const row = await this.events.findOne({
      where: { id },
      select: { id: true, type: true, occurredAt: true, data: true, dedupeKey: true },
    });
    return row
      ? { id: row.id, type: row.type, occurredAt: row.occurredAt, data: row.data, dedupeKey: row.dedupeKey }
      : null;
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
