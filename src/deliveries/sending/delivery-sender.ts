import { Injectable, Logger } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { type ConfigOf, InjectConfig } from '../../config/area-config';
import { AppConfig } from '../../config/config';
import { deliveriesConfig } from '../deliveries.config';
import { DlqService } from '../../events/dlq/dlq.service';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import { Clock } from '../../platform/clock';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { OutboundError, OutboundHttp } from '../../platform/outbound/outbound-http';
import { Outcomes } from '../../platform/outcomes/outcomes';
import { dependencyOutage, untilReachable } from '../../platform/queue/dependency-outage';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { RetrySchedule } from '../../platform/queue/retry-schedule';
import { EndpointsService, EndpointTarget } from '../endpoints/endpoints.service';
import { MappingsService } from '../mappings/mappings.service';
import { classifyAttempt } from './delivery-policy';
import { deliveryJob } from './delivery-jobs';
import { Delivery } from './delivery.entity';

/** Success is a 2xx within this deadline (Svix's 15 s). */
const DELIVERY_TIMEOUT_MS = 15_000;

/** Signs with every current secret: during a rotation the receiver may know either. */
export function signatureHeader(secrets: string[], webhookId: string, at: Date, body: string): string {
  return secrets.map((s) => new Webhook(s).sign(webhookId, at, body)).join(' ');
}

/** One attempt of one delivery, then the retry policy. */
@Injectable()
export class DeliverySender {
  private readonly logger = new Logger('DeliverySender');
  private readonly schedule: RetrySchedule;
  private readonly attemptsTotal;

  constructor(
    private readonly dataSource: DataSource,
    private readonly endpoints: EndpointsService,
    private readonly mappings: MappingsService,
    private readonly http: OutboundHttp,
    private readonly limiter: RateLimiter,
    private readonly jobs: JobQueue,
    private readonly dlq: DlqService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly outcomes: Outcomes,
    @InjectConfig(deliveriesConfig) own: ConfigOf<typeof deliveriesConfig>,
    metrics: MetricsService,
  ) {
    this.schedule = RetrySchedule.parse(own.retrySchedule);
    this.attemptsTotal = metrics.counter({
      name: 'ponte_delivery_attempts_total',
      help: 'Delivery attempts by outcome',
      labelNames: ['outcome'],
    });
  }

  @OnJob('deliveries.send')
  async send(data: { deliveryId: string }): Promise<void> {
    const delivery = await this.dataSource.getRepository(Delivery).findOneBy({ id: data.deliveryId });
    if (!delivery || !['pending', 'delivering', 'failed'].includes(delivery.status)) return;
    const endpoint = await this.endpoints.target(delivery.endpointId);
    if (!endpoint || !endpoint.enabled) {
      await this.finish(delivery, 'dead', { error: endpoint ? 'endpoint disabled' : 'endpoint deleted' });
      return;
    }
    if (endpoint.rateLimitPerSecond) {
      const decision = await this.limiter.consume(
        `endpoint:${endpoint.id}`,
        endpoint.rateLimitPerSecond,
        1000,
      );
      if (!decision.allowed) {
        // Over the endpoint's own limit: wait, without using an attempt (and due later, so the
        // relay does not offer this attempt's job again meanwhile).
        const wait = decision.retryAfterSeconds * 1000;
        await this.dataSource.query(
          `UPDATE deliveries SET next_attempt_at = $2 WHERE id = $1 AND attempts = $3 AND status IN ('pending', 'failed')`,
          [delivery.id, new Date(this.clock.nowMs() + wait), delivery.attempts],
        );
        await this.jobs.enqueueBulk([
          deliveryJob(
            delivery.id,
            delivery.attempts,
            delivery.retryRoundStart,
            wait,
            `-rl${this.clock.nowMs()}`,
          ),
        ]);
        return;
      }
    }
    await this.attempt(delivery, endpoint);
  }

  private async attempt(delivery: Delivery, endpoint: EndpointTarget): Promise<void> {
    const attempt = delivery.attempts + 1;
    // Optimistic claim: only the job that read this attempt count may make the next attempt.
    const [claimed]: [unknown[]] = await this.dataSource.query(
      `UPDATE deliveries SET status = 'delivering', attempts = $2
       WHERE id = $1 AND attempts = $3 AND status IN ('pending', 'failed', 'delivering') RETURNING id`,
      [delivery.id, attempt, delivery.attempts],
    );
    if (claimed.length === 0) return;
    let body: string;
    try {
      const data = endpoint.system
        ? await this.mappings.transform(
            delivery.workspaceId,
            delivery.eventType,
            endpoint.system,
            delivery.payload.data,
          )
        : delivery.payload.data;
      body = JSON.stringify({ ...delivery.payload, data });
    } catch (err) {
      if (dependencyOutage(err)) {
        // Nothing was sent: give the attempt back (if PostgreSQL answers) and let the job be put back.
        await this.dataSource
          .query(
            `UPDATE deliveries SET attempts = $3, status = $4 WHERE id = $1 AND attempts = $2 AND status = 'delivering'`,
            [delivery.id, attempt, delivery.attempts, delivery.status],
          )
          .catch(() => undefined);
        throw err;
      }
      // A broken mapping is not the receiver's fault and retrying will not fix it.
      await this.record(delivery, endpoint, attempt, {
        error: `mapping: ${(err as Error).message}`,
        durationMs: 0,
      });
      await this.finish({ ...delivery, attempts: attempt }, 'dead', {
        error: `mapping: ${(err as Error).message}`,
      });
      return;
    }
    const webhookId = `msg_${delivery.id}`;
    const now = this.clock.now();
    const headers: Record<string, string> = {
      ...endpoint.headers,
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signatureHeader(endpoint.secrets, webhookId, now, body),
    };
    let status: number | undefined;
    let retryAfter: string | undefined;
    let outcome: { statusCode?: number; durationMs: number; excerpt?: string; error?: string };
    try {
      const res = await this.http.request({
        url: endpoint.url,
        method: 'POST',
        headers,
        body,
        timeoutMs: Math.min(DELIVERY_TIMEOUT_MS, this.config.outbound.timeoutMs),
      });
      status = res.status;
      retryAfter = res.headers['retry-after'];
      outcome = { statusCode: res.status, durationMs: res.durationMs, excerpt: res.body.slice(0, 1024) };
    } catch (err) {
      const kind = err instanceof OutboundError ? err.kind : 'network';
      outcome = { error: `${kind}: ${(err as Error).message}`.slice(0, 500), durationMs: 0 };
    }
    // The receiver has had its call: recording it waits out a dependency outage rather than fail
    // the job, which would leave the row `delivering` and send it again later.
    await untilReachable(() => this.record(delivery, endpoint, attempt, outcome));
    await untilReachable(() => this.apply({ ...delivery, attempts: attempt }, endpoint, status, retryAfter));
  }

  private async apply(
    delivery: Delivery,
    endpoint: EndpointTarget,
    status: number | undefined,
    retryAfter: string | undefined,
  ) {
    const outcome = classifyAttempt(
      this.schedule,
      delivery.attempts - delivery.retryRoundStart,
      status,
      retryAfter,
      this.clock.nowMs(),
    );
    this.attemptsTotal.inc({ outcome: outcome.kind });
    await this.endpoints.recordOutcome(endpoint.id, outcome.kind === 'success');
    const lastStatusCode = status ?? null;
    switch (outcome.kind) {
      case 'success':
        await this.finish(delivery, 'succeeded', { statusCode: lastStatusCode });
        return;
      case 'gone':
        await this.endpoints.disable(endpoint.id, 'the receiver answered 410 Gone');
        await this.finish(delivery, 'dead', {
          statusCode: lastStatusCode,
          error: '410 Gone: endpoint disabled',
        });
        return;
      case 'exhausted':
        await this.finish(delivery, 'dead', {
          statusCode: lastStatusCode,
          error: `no 2xx after ${delivery.attempts} attempts`,
        });
        return;
      case 'retry':
        await this.dataSource.query(
          `UPDATE deliveries SET status = 'failed', next_attempt_at = $2, last_status_code = $3, last_error = $4 WHERE id = $1`,
          [
            delivery.id,
            new Date(this.clock.nowMs() + outcome.delayMs),
            lastStatusCode,
            status ? `HTTP ${status}` : 'no answer',
          ],
        );
        await this.jobs.enqueueBulk([
          deliveryJob(delivery.id, delivery.attempts, delivery.retryRoundStart, outcome.delayMs),
        ]);
    }
  }

  private async finish(
    delivery: Delivery,
    status: 'succeeded' | 'dead',
    info: { statusCode?: number | null; error?: string },
  ) {
    // Only a delivery not dead already: repeated after an outage, this files no second DLQ entry.
    const mark = async (q: { query: DataSource['query'] }) => {
      const [rows]: [unknown[]] = await q.query(
        `UPDATE deliveries SET status = $2, last_status_code = $3, last_error = $4,
           delivered_at = CASE WHEN $2 = 'succeeded' THEN now() ELSE delivered_at END
         WHERE id = $1 AND status <> 'dead' RETURNING id`,
        [delivery.id, status, info.statusCode ?? null, info.error ?? null],
      );
      return rows.length > 0;
    };
    if (status === 'succeeded') await mark(this.dataSource);
    else if (
      await this.dlq.deadLetter(mark, {
        workspaceId: delivery.workspaceId,
        kind: 'delivery',
        refId: delivery.id,
        endpointId: delivery.endpointId,
        summary: delivery.eventType,
        error: info.error ?? 'failed',
        attempts: delivery.attempts,
      })
    )
      this.logger.warn(`delivery ${delivery.id} to endpoint ${delivery.endpointId} is dead: ${info.error}`);
    // Counted last: the DLQ entry is what an operator acts on, the fact only what analytics shows.
    await this.outcomes.report({
      kind: status === 'succeeded' ? 'delivery.succeeded' : 'delivery.dead',
      id: delivery.id,
      workspaceId: delivery.workspaceId,
      at: this.clock.now(),
      eventType: delivery.eventType,
    });
  }

  private async record(
    delivery: Delivery,
    endpoint: EndpointTarget,
    attempt: number,
    r: { statusCode?: number; durationMs: number; excerpt?: string; error?: string },
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO delivery_attempts (id, delivery_id, endpoint_id, attempt, status_code, duration_ms, response_excerpt, error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        uuidv7(),
        delivery.id,
        endpoint.id,
        attempt,
        r.statusCode ?? null,
        Math.round(r.durationMs),
        r.excerpt ?? null,
        r.error ?? null,
        this.clock.now(),
      ],
    );
  }
}
