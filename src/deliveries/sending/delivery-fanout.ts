import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { OnEvent, StoredEvent } from '../../events/processing/event-handlers';
import { Batched } from '../../platform/database/batched';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { EndpointsService } from '../endpoints/endpoints.service';
import { deliveryJob } from './delivery-jobs';

interface NewDelivery {
  id: string;
  workspaceId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: string;
}

/**
 * Every processed event that matches an endpoint becomes a delivery row (unique per event and
 * endpoint, so a re-run of the handler adds nothing) before any attempt is made. The endpoints
 * come from EndpointsService's cache (no query for an event no endpoint wants); the rows of the
 * events concurrent jobs fan out are written by one INSERT and enqueued by one addBulk.
 */
@Injectable()
export class DeliveryFanout {
  private readonly inserts = new Batched<NewDelivery[], void>((batches) => this.insertAll(batches));

  constructor(
    private readonly endpoints: EndpointsService,
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  @OnEvent('deliveries.fanout', '*')
  async fanOut(event: StoredEvent): Promise<void> {
    const endpoints = await this.endpoints.matchingEndpoints(event.workspaceId, event.type);
    if (endpoints.length === 0) return;
    const payload = JSON.stringify({
      type: event.type,
      timestamp: new Date(event.occurredAt).toISOString(),
      data: event.data,
    });
    await this.inserts.run(
      endpoints.map((e) => ({
        id: uuidv7(),
        workspaceId: event.workspaceId,
        endpointId: e.id,
        eventId: event.id,
        eventType: event.type,
        payload,
      })),
    );
  }

  private async insertAll(batches: NewDelivery[][]): Promise<void[]> {
    // (event, endpoint) order: the unique index is locked in the same order by every flush.
    const rows = batches.flat().sort((a, b) => cmp(a.eventId, b.eventId) || cmp(a.endpointId, b.endpointId));
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at)
       SELECT id, ws, ep, ev, type, payload, 'pending', now(), now()
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::jsonb[]) AS t(id, ws, ep, ev, type, payload)
       ON CONFLICT (event_id, endpoint_id) WHERE event_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.workspaceId),
        rows.map((r) => r.endpointId),
        rows.map((r) => r.eventId),
        rows.map((r) => r.eventType),
        rows.map((r) => r.payload),
      ],
    );
    await this.jobs.enqueueBulk(inserted.map((r) => deliveryJob(r.id, 0, 0)));
    return batches.map(() => undefined);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
