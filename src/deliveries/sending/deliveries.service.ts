import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import { RetriesDlq } from '../../events/dlq/dlq.service';
import { OutboxSweep, StuckWork } from '../../platform/outbox/outbox-relay';
import { OnEventsErased } from '../../events/store/event-erasure';
import { EventDetail } from '../../events/store/events.service';
import { Clock } from '../../platform/clock';
import { ProblemException } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { EndpointsService } from '../endpoints/endpoints.service';
import { DeliveryView } from './deliveries.dto';
import { DeliveryAttempt } from './delivery-attempt.entity';
import { deliveryJob } from './delivery-jobs';
import { Delivery } from './delivery.entity';

/** Namespace of the delivery ids derived from a caller's idempotency key. */
const DELIVERY_KEY_NAMESPACE = '6f1c3f4e-2a7b-5c8d-9e0f-1a2b3c4d5e6f';

@Injectable()
export class DeliveriesService {
  constructor(
    @InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>,
    @InjectRepository(DeliveryAttempt) private readonly attempts: Repository<DeliveryAttempt>,
    private readonly endpoints: EndpointsService,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /** Payload copies follow the events they copied when those are erased or anonymised (LGPD). */
  @OnEventsErased()
  async eraseEventCopies(_workspaceId: string | null, eventIds: string[]): Promise<void> {
    await this.deliveries.query(
      `UPDATE deliveries SET payload = jsonb_set(payload, '{data}', '{"erased": true}'::jsonb) WHERE event_id = ANY($1::uuid[])`,
      [eventIds],
    );
  }

  @RetriesDlq('delivery')
  async retryFromDlq(workspaceId: string, id: string): Promise<void> {
    if ((await this.resend(workspaceId, [id])) === 0)
      throw new ProblemException('CONFLICT', 'The delivery is not failed');
  }

  @EventDetail('deliveries')
  async ofEvent(workspaceId: string, eventId: string): Promise<unknown[]> {
    return (await this.deliveries.find({ where: { workspaceId, eventId }, order: { id: 'ASC' } })).map(
      (d) => ({
        id: d.id,
        endpointId: d.endpointId,
        status: d.status,
        attempts: d.attempts,
        lastStatusCode: d.lastStatusCode,
        deliveredAt: d.deliveredAt?.toISOString() ?? null,
      }),
    );
  }

  /** Deliveries made without an event (workflow webhooks, actions) whose payload mentions one of `needles`. */
  mentioning(
    workspaceId: string,
    needles: string[],
  ): Promise<Array<{ id: string; eventType: string; payload: unknown }>> {
    return this.deliveries.query(
      `SELECT id, event_type AS "eventType", payload FROM deliveries
       WHERE workspace_id = $1 AND event_id IS NULL
         AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS n WHERE strpos(deliveries.payload::text, n) > 0)
       ORDER BY id`,
      [workspaceId, needles],
    );
  }

  /** LGPD erasure of those payloads (the rows and their attempts stay, for counts). */
  async eraseMentioning(workspaceId: string, needles: string[]): Promise<number> {
    const ids = (await this.mentioning(workspaceId, needles)).map((d) => d.id);
    if (ids.length === 0) return 0;
    await this.deliveries.query(
      `UPDATE deliveries SET payload = jsonb_set(payload, '{data}', '{"erased": true}'::jsonb) WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return ids.length;
  }

  /** Each delivery of the endpoint with every attempt: status code, duration, response excerpt. */
  async list(caller: Principal, endpointId: string, query: PageQuery): Promise<Page<DeliveryView>> {
    await this.endpoints.find(caller.workspaceId, endpointId);
    const page = await paginate(
      this.deliveries.createQueryBuilder('d').where('d.endpointId = :endpointId', { endpointId }),
      query,
      undefined,
      { by: 'createdAt' },
    );
    const attempts = page.data.length
      ? await this.attempts.find({
          where: { deliveryId: In(page.data.map((d) => d.id)) },
          order: { attempt: 'ASC' },
        })
      : [];
    return {
      nextCursor: page.nextCursor,
      data: page.data.map((d) => ({
        id: d.id,
        webhookId: `msg_${d.id}`,
        eventId: d.eventId,
        eventType: d.eventType,
        status: d.status,
        attempts: attempts
          .filter((a) => a.deliveryId === d.id)
          .map((a) => ({
            attempt: a.attempt,
            statusCode: a.statusCode,
            durationMs: a.durationMs,
            responseExcerpt: a.responseExcerpt,
            error: a.error,
            at: a.createdAt.toISOString(),
          })),
        nextAttemptAt: d.status === 'failed' ? d.nextAttemptAt.toISOString() : null,
        createdAt: d.createdAt.toISOString(),
        deliveredAt: d.deliveredAt?.toISOString() ?? null,
      })),
    };
  }

  /** A `webhook.test` ping through the normal path (signing, policy, attempts). */
  async ping(caller: Principal, endpointId: string): Promise<{ deliveryId: string }> {
    const endpoint = await this.endpoints.find(caller.workspaceId, endpointId);
    const id = uuidv7();
    const now = this.clock.now();
    await this.deliveries.insert({
      id,
      workspaceId: endpoint.workspaceId,
      endpointId: endpoint.id,
      eventId: null,
      eventType: 'webhook.test',
      payload: {
        type: 'webhook.test',
        timestamp: now.toISOString(),
        data: { message: 'Ponte test delivery' },
      },
      status: 'pending',
      nextAttemptAt: now,
      createdAt: now,
      deliveredAt: null,
      lastError: null,
      lastStatusCode: null,
    });
    await this.jobs.enqueueBulk([deliveryJob(id, 0, 0)]);
    return { deliveryId: id };
  }

  /**
   * For workflows: `{type, timestamp, data}` to one endpoint, or to every enabled endpoint of a
   * `system` (crm, accounting...), through the normal signed path with its retries and mappings.
   * `key` makes it idempotent: the same key again adds no delivery. Answers the delivery ids.
   */
  async deliverPayload(
    workspaceId: string,
    target: { endpointId: string } | { system: string },
    payload: { type: string; data: unknown },
    key: string,
  ): Promise<string[]> {
    const endpoints =
      'endpointId' in target
        ? [await this.endpoints.find(workspaceId, target.endpointId)]
        : await this.deliveries.query<Array<{ id: string }>>(
            'SELECT id FROM endpoints WHERE workspace_id = $1 AND system = $2 AND enabled ORDER BY id',
            [workspaceId, target.system],
          );
    if (endpoints.length === 0) return [];
    const now = this.clock.now();
    const rows = endpoints.map((e) => ({
      id: uuidv5(`${key}/${e.id}`, DELIVERY_KEY_NAMESPACE),
      endpointId: e.id,
    }));
    await this.deliveries.query(
      `INSERT INTO deliveries (id, workspace_id, endpoint_id, event_id, event_type, payload, status, next_attempt_at, created_at)
       SELECT id, $2, ep, NULL, $3, $4::jsonb, 'pending', $5, $5 FROM unnest($1::uuid[], $6::uuid[]) AS t(id, ep)
       ON CONFLICT (id) DO NOTHING`,
      [
        rows.map((r) => r.id),
        workspaceId,
        payload.type,
        JSON.stringify({ type: payload.type, timestamp: now.toISOString(), data: payload.data }),
        now,
        rows.map((r) => r.endpointId),
      ],
    );
    await this.jobs.enqueueBulk(rows.map((r) => deliveryJob(r.id, 0, 0)));
    return rows.map((r) => r.id);
  }

  /** Re-send what failed (dead or waiting for a retry) since `since`: a new round of attempts. */
  async recover(caller: Principal, endpointId: string, since: Date): Promise<{ recovered: number }> {
    await this.endpoints.find(caller.workspaceId, endpointId);
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.id', 'id')
      .where('d.endpointId = :endpointId AND d.status IN (:...statuses) AND d.createdAt >= :since', {
        endpointId,
        statuses: ['dead', 'failed'],
        since,
      })
      .limit(10_000)
      .getRawMany<{ id: string }>();
    return {
      recovered: await this.resend(
        caller.workspaceId,
        rows.map((r) => r.id),
      ),
    };
  }

  private async resend(workspaceId: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const [rows]: [Array<{ id: string; attempts: number }>] = await this.deliveries.query(
      `UPDATE deliveries SET status = 'pending', retry_round_start = attempts, next_attempt_at = now()
       WHERE id = ANY($1) AND workspace_id = $2 AND status IN ('dead', 'failed') RETURNING id, attempts`,
      [ids, workspaceId],
    );
    await this.jobs.enqueueBulk(rows.map((r) => deliveryJob(r.id, r.attempts, r.attempts)));
    return rows.length;
  }

  /**
   * Stored deliveries whose job Redis lost or that could not record their outcome: first those
   * whose last attempt is recorded as a 2xx are settled as succeeded (never sent again), then the
   * others, due and not finished, are offered again.
   */
  @OutboxSweep('deliveries')
  async relayPending(graceSeconds: number): Promise<number> {
    await this.deliveries.query(
      `UPDATE deliveries d SET status = 'succeeded', last_status_code = a.status_code, last_error = NULL,
         delivered_at = a.created_at
       FROM delivery_attempts a
       WHERE d.status = 'delivering' AND d.next_attempt_at < now() - make_interval(secs => $1)
         AND a.delivery_id = d.id AND a.attempt = d.attempts AND a.status_code BETWEEN 200 AND 299`,
      [graceSeconds],
    );
    const rows: Array<{ id: string; attempts: number; status: string; retry_round_start: number }> =
      await this.deliveries.query(
        `SELECT id, attempts, status, retry_round_start FROM deliveries
       WHERE status IN ('pending', 'delivering', 'failed') AND next_attempt_at < now() - make_interval(secs => $1)
       ORDER BY id LIMIT 2000`,
        [graceSeconds],
      );
    return this.jobs.reoffer(
      rows.map((r) =>
        deliveryJob(r.id, r.status === 'delivering' ? r.attempts - 1 : r.attempts, r.retry_round_start),
      ),
    );
  }

  /** Not finished and overdue by more than the threshold (a `failed` one past its retry time too). */
  @StuckWork('deliveries')
  async countStuck(thresholdSeconds: number): Promise<number> {
    const [row]: Array<{ n: string }> = await this.deliveries.query(
      `SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'delivering', 'failed')
         AND next_attempt_at < now() - make_interval(secs => $1)`,
      [thresholdSeconds],
    );
    return Number(row.n);
  }
}
