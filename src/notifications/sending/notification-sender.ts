import { performance } from 'node:perf_hooks';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../config/config';
import { DlqService } from '../../events/dlq/dlq.service';
import { MetricsService } from '../../platform/metrics/metrics.service';
import { ProblemException } from '../../platform/http/problem';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { RetrySchedule } from '../../platform/queue/retry-schedule';
import { SendFailure } from '../providers/provider-adapter';
import { ProviderAdapters } from '../providers/provider-adapters';
import { NotificationComposer } from './notification-composer';
import { notificationJob } from './notification-jobs';
import { NotificationLedger } from './notification-ledger';
import { channelKey, NotificationRoutes, Route } from './notification-routes';
import type { Notification } from './notification.entity';

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
export class NotificationSender implements OnModuleInit {
  private readonly logger = new Logger('NotificationSender');
  private readonly schedule: RetrySchedule;
  private readonly calls;

  constructor(
    private readonly ledger: NotificationLedger,
    private readonly routes: NotificationRoutes,
    private readonly composer: NotificationComposer,
    private readonly adapters: ProviderAdapters,
    private readonly jobs: JobQueue,
    private readonly dlq: DlqService,
    config: AppConfig,
    metrics: MetricsService,
  ) {
    this.schedule = RetrySchedule.parse(config.retries.notification);
    this.calls = metrics.counter({
      name: 'ponte_notification_calls_total',
      help: 'Provider calls for notifications by provider kind and outcome',
      labelNames: ['provider', 'outcome'],
    });
  }

  onModuleInit(): void {
    this.dlq.registerRetrier('notification', (workspaceId, id) => this.retryFromDlq(workspaceId, id));
  }

  @OnJob('notifications.send')
  async send(data: { notificationId: string }): Promise<void> {
    const n = await this.ledger.load(data.notificationId);
    if (!n || !['queued', 'scheduled', 'sending'].includes(n.status)) return;
    const route = await this.routes.next(n);
    if (!route) {
      await this.giveUp(
        n,
        n.errorCode ?? 'no_route',
        n.error ?? 'no channel of the notification can reach the recipient',
      );
      return;
    }
    const attemptId = uuidv7();
    const claim = await this.ledger.claim(n, route, attemptId);
    if (!claim) return;
    const claimed: Notification = { ...n, ...claim, currentAttemptId: attemptId, status: 'sending' };
    const started = performance.now();
    try {
      const message = await this.composer.message(claimed, route.channel);
      message.statusCallbackUrl = await this.routes.callbackUrl(n.workspaceId, route.account.kind);
      const receipt = await this.adapters.get(route.account.kind).send(route.account, message);
      this.calls.inc({ provider: route.account.kind, outcome: 'sent' });
      await this.ledger.markSent(
        attemptId,
        claim.attempts,
        receipt.providerMessageId,
        performance.now() - started,
      );
      if (receipt.delivered) await this.ledger.applyStatus(attemptId, 'delivered');
    } catch (err) {
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
    }
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

  private async giveUp(n: Notification, code: string, detail: string): Promise<void> {
    if (!(await this.ledger.fail(n, code, detail))) return;
    this.logger.warn(`notification ${n.id} failed after ${n.attempts} calls: ${code}`);
    await this.dlq.add({
      workspaceId: n.workspaceId,
      kind: 'notification',
      refId: n.id,
      summary: `${n.templateKey ?? 'content'} on ${n.channels.join(', ')}`,
      error: detail.slice(0, 1000),
      attempts: n.attempts,
    });
  }

  private async retryFromDlq(workspaceId: string, id: string): Promise<void> {
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
