import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { type ConfigOf, InjectConfig } from '../../config/area-config';
import { AppConfig } from '../../config/config';
import { notificationsConfig } from '../notifications.config';
import { RetriesDlq } from '../../events/dlq/dlq.service';
import { Clock } from '../../platform/clock';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { ProblemException } from '../../platform/http/problem';
import { dependencyOutage, untilReachable } from '../../platform/queue/dependency-outage';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { Places } from '../../platform/queue/places';
import { RetrySchedule } from '../../platform/queue/retry-schedule';
import { OutgoingMessage, SendFailure, SendReceipt } from '../providers/provider-adapter';
import { ProviderAdapters } from '../providers/provider-adapters';
import { ProviderBreakers } from '../providers/provider-breakers';
import { ProviderPacer } from '../providers/provider-pacer';
import { NotificationComposer } from './notification-composer';
import { SentObservers } from './sent-observers';
import { ConsentDecision, ConsentGate } from './consent-gate';
import { NotificationJobData, notificationJob, STUCK_SENDING_MS } from './notification-jobs';
import { NotificationLedger } from './notification-ledger';
import { channelKey, NotificationRoutes, Route } from './notification-routes';
import type { Notification } from './notification.entity';

/** Waits for a provider's rate limit up to this long in place; longer ones become delayed jobs. */
const INLINE_WAIT_MS = 2000;

/** Where a failed call leaves the route it was made on. */
export interface FailedCall {
  attemptId: string;
  channel: Route['channel'];
  routeKey: string;
  providerKind: string;
  failure: SendFailure;
}

/**
 * One provider call of one notification, then the delivery policy: transient failures retry the
 * same provider on NOTIFICATION_RETRY_SCHEDULE, permanent ones move to the next provider of the
 * channel, a closed WhatsApp window to the next channel; nothing left → `failed` and the DLQ.
 */
@Injectable()
export class NotificationSender {
  private readonly logger = new Logger('NotificationSender');
  private readonly schedule: RetrySchedule;
  private readonly calls;
  private readonly places: Places;

  constructor(
    private readonly ledger: NotificationLedger,
    private readonly routes: NotificationRoutes,
    private readonly composer: NotificationComposer,
    private readonly adapters: ProviderAdapters,
    private readonly jobs: JobQueue,
    private readonly pacer: ProviderPacer,
    private readonly breakers: ProviderBreakers,
    private readonly clock: Clock,
    private readonly observers: SentObservers,
    private readonly consent: ConsentGate,
    @InjectConfig(notificationsConfig) config: ConfigOf<typeof notificationsConfig>,
    app: AppConfig,
    metrics: MetricsService,
  ) {
    this.places = new Places(app.queue.batchConcurrency);
    this.schedule = RetrySchedule.parse(config.retrySchedule);
    this.calls = metrics.counter({
      name: 'ponte_notification_calls_total',
      help: 'Provider calls for notifications by provider kind and outcome',
      labelNames: ['provider', 'outcome'],
    });
  }

  /**
   * A job's notifications, each in a place of its own, all at once (their loads, claims and
   * records share statements). An outage in one puts the whole job back (JobDispatcher), another
   * error fails it for the relay to offer again: when it runs again, the calls it made are skipped
   * as stale.
   */
  @OnJob('notifications.send')
  async send(data: NotificationJobData): Promise<void> {
    const ids = 'notificationIds' in data ? data.notificationIds : [data.notificationId];
    const runs = await Promise.allSettled(
      ids.map((id) => this.places.run(() => this.sendOne(id, data.attempts))),
    );
    const failed = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async sendOne(id: string, attempts: number | undefined): Promise<void> {
    const n = await this.ledger.load(id);
    // A stale job (its call was made): nothing to do.
    if (!n || (attempts !== undefined && attempts !== n.attempts)) return;
    return this.callFor(n);
  }

  /**
   * The notification's next call, from its row as stored (a job's load, or the row the process
   * that stored it has in hand); every write below checks the row's state in its WHERE. `consent`:
   * the first call's consent decision, when its caller looked it up before storing the row.
   */
  async callFor(n: Notification, consent?: ConsentDecision): Promise<void> {
    if (!['queued', 'scheduled', 'sending'].includes(n.status)) return;
    // A call in flight on another worker: nothing to do.
    if (n.status === 'sending' && this.clock.nowMs() - n.updatedAt.getTime() < STUCK_SENDING_MS) return;
    let contactId: string | undefined;
    if (n.attempts === 0) {
      const honoured = await this.honourConsent(n, consent);
      if (!honoured) return;
      contactId = honoured.contactId ?? undefined;
    }
    const route = await this.routes.next(n);
    if (!route) {
      await this.giveUp(
        n,
        n.errorCode ?? 'no_route',
        n.error ?? 'no channel of the notification can reach the recipient',
      );
      return;
    }
    if (!(await this.deferWhileThrottled(n, route))) return;
    const attemptId = uuidv7();
    const claim = await this.ledger.claim(n, route, attemptId);
    if (!claim) return;
    await this.call({ ...n, ...claim, currentAttemptId: attemptId, status: 'sending' }, route, contactId);
  }

  /**
   * The route of a first call decided before its row is stored, so that the row can be stored
   * already claimed (`NotificationsService.sendFor`'s `sendHere`): consent allows every channel now,
   * a route is open and its provider is not over its rate limit. Null: store the row queued and
   * let `callFor` decide (suppress, postpone, defer, give up).
   */
  async routeAtOnce(n: Notification, consent: ConsentDecision): Promise<Route | null> {
    if (consent.deferUntil || consent.suppressed.length) return null;
    const route = await this.routes.next(n);
    if (!route) return null;
    const limit = route.account.rateLimitPerSecond;
    if (limit && route.account.id && (await this.pacer.peek(route.account.id, limit)) > INLINE_WAIT_MS)
      return null;
    return route;
  }

  /**
   * The call of a claimed notification (`sending`, its attempt row open as `currentAttemptId`) on
   * `route`, then what its outcome leads to.
   */
  async call(claimed: Notification, route: Route, contactId?: string): Promise<void> {
    const attemptId = claimed.currentAttemptId as string;
    let started = performance.now();
    let message: OutgoingMessage;
    let receipt: SendReceipt;
    try {
      message = await this.composer.message(claimed, route.channel);
      message.statusCallbackUrl = await this.routes.callbackUrl(claimed.workspaceId, route.account.kind);
      const adapter = this.adapters.get(route.account.kind);
      await this.takeTurn(route);
      started = performance.now();
      receipt = await this.breakers.call(route.account, () => adapter.send(route.account, message));
    } catch (err) {
      if (dependencyOutage(err)) {
        // Before the provider call (composing, pacing): nothing was sent. Back to the queue with the
        // route try given back, once PostgreSQL answers; then this job is done.
        await untilReachable(() =>
          this.ledger.markAttemptFailed(attemptId, 'dependency', 'PostgreSQL or Redis unavailable', 0),
        );
        const requeued = await untilReachable(() =>
          this.ledger.requeue(claimed, attemptId, {
            delayMs: 0,
            code: 'dependency',
            detail: 'PostgreSQL or Redis unavailable before the call — trying again',
            refund: true,
          }),
        );
        if (requeued) await untilReachable(() => this.enqueue(claimed, 0));
        return;
      }
      const failure = toFailure(err);
      this.calls.inc({ provider: route.account.kind, outcome: failure.kind });
      await this.ledger.markAttemptFailed(
        attemptId,
        failure.code,
        failure.message,
        performance.now() - started,
      );
      // The template changed or lost data since the request was accepted: no provider can fix that.
      if (err instanceof ProblemException) return this.giveUp(claimed, failure.code, failure.message);
      await this.afterFailure(claimed, {
        attemptId,
        channel: route.channel,
        routeKey: route.key,
        providerKind: route.account.kind,
        failure,
      });
      return;
    }
    // The provider has the message: from here a failure must never send it again, so recording it
    // is retried rather than treated as a failed call.
    this.calls.inc({ provider: route.account.kind, outcome: 'sent' });
    const durationMs = performance.now() - started;
    await untilReachable(() =>
      this.ledger.markSent(attemptId, claimed.attempts, receipt.providerMessageId, durationMs),
    );
    await this.observers.notify({
      notification: claimed,
      channel: route.channel,
      account: route.account,
      providerMessageId: receipt.providerMessageId,
      text: message.content.text,
      template: message.content.whatsapp?.name ?? null,
      contactId,
    });
    if (receipt.delivered) await untilReachable(() => this.ledger.applyStatus(attemptId, 'delivered'));
  }

  /** The policy, for a call that failed now or a `failed` status that arrived later. */
  async afterFailure(n: Notification, call: FailedCall): Promise<void> {
    const { failure } = call;
    const detail = `${call.providerKind} ${failure.code}: ${failure.message}`;
    let next: { skip?: string; delayMs: number; why: string };
    const retryDelay =
      failure.kind === 'transient' ? this.schedule.delayBefore(n.routeTries, 0.1) : undefined;
    if (retryDelay !== undefined) {
      next = { delayMs: Math.max(retryDelay, failure.retryAfterMs ?? 0), why: 'retrying the same provider' };
    } else if (failure.kind === 'channel') {
      next = { skip: channelKey(call.channel), delayMs: 0, why: `skipping ${call.channel}` };
    } else {
      next = { skip: call.routeKey, delayMs: 0, why: 'trying the next provider' };
    }
    const skipped = next.skip ? [...n.skippedRoutes, next.skip] : n.skippedRoutes;
    if (next.skip && !(await this.routes.next({ ...n, skippedRoutes: skipped }))) {
      await this.giveUp(n, failure.code, detail);
      return;
    }
    const requeued = await this.ledger.requeue(n, call.attemptId, {
      skip: next.skip,
      delayMs: next.delayMs,
      code: failure.code,
      detail: `${detail} — ${next.why}`,
    });
    if (requeued) await this.enqueue(n, next.delayMs);
  }

  /**
   * Before claiming: a provider over its rate limit for longer than a moment gets the call back as
   * a delayed job (the worker's slot is free meanwhile). False when the call was deferred.
   */
  private async deferWhileThrottled(n: Notification, route: Route): Promise<boolean> {
    const limit = route.account.rateLimitPerSecond;
    if (!limit || !route.account.id) return true;
    const waitMs = await this.pacer.peek(route.account.id, limit);
    if (waitMs <= INLINE_WAIT_MS) return true;
    await this.ledger.defer(n, waitMs);
    await this.jobs.enqueueBulk([
      notificationJob(n.id, n.attempts, n.priority, waitMs, `-w${this.clock.nowMs()}`),
    ]);
    return false;
  }

  /** Right before the call, so that arrivals at the provider keep the spacing: wait for a slot. */
  private async takeTurn(route: Route): Promise<void> {
    const limit = route.account.rateLimitPerSecond;
    if (limit && route.account.id) await this.pacer.turn(route.account.id, limit);
  }

  /**
   * Before the first call: opted-out channels dropped, quiet hours waited out. Null: not now; else
   * the recipient's contact, if any.
   */
  private async honourConsent(
    n: Notification,
    looked?: ConsentDecision,
  ): Promise<{ contactId: string | null } | null> {
    const decision = looked ?? (await this.consent.check(n));
    if (decision.deferUntil) {
      const delay = decision.deferUntil.getTime() - this.clock.nowMs();
      if (
        await this.ledger.postpone(
          n,
          decision.deferUntil,
          `quiet hours until ${decision.deferUntil.toISOString()}`,
        )
      )
        await this.jobs.enqueueBulk([
          notificationJob(n.id, n.attempts, n.priority, delay, `-q${decision.deferUntil.getTime()}`),
        ]);
      return null;
    }
    if (decision.suppressed.length === 0) return decision;
    const skipped = await this.ledger.suppress(n, decision.suppressed);
    if (!skipped) return null;
    n.skippedRoutes = skipped;
    return decision;
  }

  private async giveUp(n: Notification, code: string, detail: string): Promise<void> {
    const failed = await this.ledger.fail(n, code, detail, {
      workspaceId: n.workspaceId,
      kind: 'notification',
      refId: n.id,
      summary: `${n.templateKey ?? 'content'} on ${n.channels.join(', ')}`,
      error: detail.slice(0, 1000),
      attempts: n.attempts,
    });
    if (failed) this.logger.warn(`notification ${n.id} failed after ${n.attempts} calls: ${code}`);
  }

  @RetriesDlq('notification')
  async retryFromDlq(workspaceId: string, id: string): Promise<void> {
    const n = await this.ledger.reopen(workspaceId, id);
    if (n) await this.enqueue(n, 0);
  }

  private enqueue(n: Notification, delayMs: number): Promise<void> {
    return this.jobs.enqueueBulk([notificationJob(n.id, n.attempts, n.priority, delayMs)]);
  }
}

function toFailure(err: unknown): SendFailure {
  if (err instanceof SendFailure) return err;
  if (err instanceof ProblemException) return new SendFailure('permanent', err.code, err.message);
  return new SendFailure('transient', 'internal', (err as Error).message);
}
