import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { OnEvent, StoredEvent } from '../../events/processing/event-handlers';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { EndpointsService } from '../endpoints/endpoints.service';
import { deliveryJob } from './delivery-jobs';

/**
 * Every processed event that matches an endpoint becomes a delivery row (unique per event and
 * endpoint, so a re-run of the handler adds nothing) before any attempt is made.
 */
@Injectable()
export class DeliveryFanout {
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
    const ids = endpoints.map(() => uuidv7());
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at)
       SELECT id, $2, ep, $3, $4, $5::jsonb, 'pending', now(), now() FROM unnest($1::uuid[], $6::uuid[]) AS t(id, ep)
       ON CONFLICT (event_id, endpoint_id) WHERE event_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [ids, event.workspaceId, event.id, event.type, payload, endpoints.map((e) => e.id)],
    );
    await this.jobs.enqueueBulk(inserted.map((r) => deliveryJob(r.id, 0, 0)));
  }
}
