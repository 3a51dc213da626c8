import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../platform/clock';
import type { Channel } from '../channels';
import type { ProviderKind } from '../providers/provider-kind';
import type { AttemptStatus } from './notification-attempt.entity';
import { Notification, type NotificationStatus, type TimelineEntry } from './notification.entity';
import type { Route } from './notification-routes';
import { StatusObservers } from './status-observers';

/** Statuses of an attempt in their only direction; `failed` may follow `sending` or `sent`. */
const FORWARD: AttemptStatus[] = ['sending', 'sent', 'delivered', 'read'];

/**
 * Every state change of notifications and their attempts, each one conditional SQL statement so
 * concurrent workers and callbacks in any order cannot move a status backwards.
 */
@Injectable()
export class NotificationLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly observers: StatusObservers,
  ) {}

  async load(id: string): Promise<Notification | null> {
    return this.dataSource.getRepository(Notification).findOneBy({ id });
  }

  /**
   * Takes the next call for this worker (only the one that read `n.attempts` wins) and opens its
   * attempt row in the same statement. Returns the attempt number, or null when another won.
   */
  async claim(
    n: Notification,
    route: Route,
    attemptId: string,
  ): Promise<{ attempts: number; routeTries: number } | null> {
    const sameRoute = n.providerId === route.account.id && n.channel === route.channel && n.routeTries > 0;
    const now = this.clock.now();
    const routeTries = sameRoute ? n.routeTries + 1 : 1;
    const rows: Array<{ attempt: number }> = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE notifications SET status = 'sending', attempts = attempts + 1, route_tries = $3,
           channel = $4, provider_id = $5, provider_kind = $6, current_attempt_id = $7, updated_at = $8,
           timeline = timeline || $9::jsonb
         WHERE id = $1 AND attempts = $2 AND status IN ('queued', 'scheduled', 'sending')
         RETURNING id, workspace_id, attempts)
       INSERT INTO notification_attempts (id, notification_id, workspace_id, attempt, channel, provider_id, provider_kind, status, created_at, updated_at)
       SELECT $7, id, workspace_id, attempts, $4, $5, $6, 'sending', $8, $8 FROM claimed
       RETURNING attempt`,
      [
        n.id,
        n.attempts,
        routeTries,
        route.channel,
        route.account.id,
        route.account.kind,
        attemptId,
        now,
        entry('sending', now, n.attempts + 1, `${route.channel} via ${route.account.kind}`),
      ],
    );
    return rows.length ? { attempts: rows[0].attempt, routeTries } : null;
  }

  /** The provider accepted the message: the attempt and the notification are `sent`. */
  async markSent(
    attemptId: string,
    attempt: number,
    providerMessageId: string,
    durationMs: number,
  ): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.query(
      `WITH a AS (
         UPDATE notification_attempts SET status = 'sent', provider_message_id = $2, duration_ms = $3, updated_at = $4
         WHERE id = $1 AND status = 'sending' RETURNING notification_id)
       UPDATE notifications n SET status = 'sent', provider_message_id = $2, error_code = NULL, error = NULL, updated_at = $4,
         timeline = timeline || $5::jsonb
       FROM a WHERE n.id = a.notification_id AND n.current_attempt_id = $1 AND n.status = 'sending'`,
      [attemptId, providerMessageId, Math.round(durationMs), now, entry('sent', now, attempt)],
    );
  }

  async markAttemptFailed(attemptId: string, code: string, error: string, durationMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE notification_attempts SET status = 'failed', error_code = $2, error = $3, duration_ms = $4, updated_at = $5
       WHERE id = $1 AND status IN ('sending', 'sent')`,
      [attemptId, code, error.slice(0, 1000), Math.round(durationMs), this.clock.now()],
    );
  }

  /**
   * A status from a provider callback, applied only forward. Returns the notification when the
   * attempt moved and is still the notification's current one (else an old attempt's news).
   */
  async applyStatus(
    attemptId: string,
    status: Exclude<AttemptStatus, 'sending'>,
    info: { errorCode?: string; error?: string } = {},
  ): Promise<Notification | null> {
    const now = this.clock.now();
    const [moved]: [Array<{ notification_id: string; attempt: number }>] = await this.dataSource.query(
      `UPDATE notification_attempts SET status = $2, error_code = COALESCE($3, error_code), error = COALESCE($4, error), updated_at = $5
       WHERE id = $1 AND (
         ($2 = 'failed' AND status IN ('sending', 'sent'))
         OR ($2 <> 'failed' AND status <> 'failed' AND array_position($6::text[], status) < array_position($6::text[], $2)))
       RETURNING notification_id, attempt`,
      [attemptId, status, info.errorCode ?? null, info.error?.slice(0, 1000) ?? null, now, FORWARD],
    );
    if (moved.length === 0) return null;
    const n = await this.load(moved[0].notification_id);
    if (!n || n.currentAttemptId !== attemptId) return null;
    if (status === 'failed') return n;
    const lower = FORWARD.slice(0, FORWARD.indexOf(status));
    await this.dataSource.query(
      `UPDATE notifications SET status = $2, updated_at = $3, timeline = timeline || $4::jsonb
       WHERE id = $1 AND current_attempt_id = $5 AND status = ANY($6::text[])`,
      [n.id, status, now, entry(status, now, moved[0].attempt), attemptId, lower],
    );
    if (status !== 'sent') await this.observers.notify({ notification: n, status, at: now });
    return n;
  }

  /**
   * Back to `queued` for another call, after `delayMs`, maybe giving up on a route first. `refund`:
   * the call was never made (a dependency outage before it), so the route's try is given back.
   */
  async requeue(
    n: Notification,
    attemptId: string,
    opts: { skip?: string; delayMs: number; code: string; detail: string; refund?: boolean },
  ): Promise<boolean> {
    const now = this.clock.now();
    const [rows]: [unknown[]] = await this.dataSource.query(
      `UPDATE notifications SET status = 'queued', next_attempt_at = $3, error_code = $4, error = $5, updated_at = $6,
         skipped_routes = CASE WHEN $7::text IS NULL THEN skipped_routes ELSE array_append(skipped_routes, $7::text) END,
         route_tries = CASE WHEN $7::text IS NOT NULL THEN 0 WHEN $9 THEN greatest(route_tries - 1, 0) ELSE route_tries END,
         timeline = timeline || $8::jsonb
       WHERE id = $1 AND current_attempt_id = $2 AND status IN ('sending', 'sent') RETURNING id`,
      [
        n.id,
        attemptId,
        new Date(now.getTime() + opts.delayMs),
        opts.code,
        opts.detail.slice(0, 1000),
        now,
        opts.skip ?? null,
        entry('queued', now, n.attempts, opts.detail),
        opts.refund ?? false,
      ],
    );
    return rows.length > 0;
  }

  /** Waiting for the provider's rate limit: due later, and fresh, so the relay leaves it alone. */
  async defer(n: Notification, delayMs: number): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.query(
      `UPDATE notifications SET next_attempt_at = $3, updated_at = $4
       WHERE id = $1 AND attempts = $2 AND status IN ('queued', 'scheduled')`,
      [n.id, n.attempts, new Date(now.getTime() + delayMs), now],
    );
  }

  /** Back to `scheduled` until `until` (quiet hours), before any call was made. */
  async postpone(n: Notification, until: Date, detail: string): Promise<boolean> {
    const now = this.clock.now();
    const [rows]: [unknown[]] = await this.dataSource.query(
      `UPDATE notifications SET status = 'scheduled', next_attempt_at = $3, updated_at = $4, timeline = timeline || $5::jsonb
       WHERE id = $1 AND attempts = $2 AND status IN ('queued', 'scheduled') RETURNING id`,
      [n.id, n.attempts, until, now, entry('scheduled', now, undefined, detail)],
    );
    return rows.length > 0;
  }

  /**
   * Channels the contact opted out of are given up on; with none left the notification is
   * `suppressed` (never sent). Returns the routes now skipped, or null when it was suppressed.
   */
  async suppress(n: Notification, channels: Channel[]): Promise<string[] | null> {
    const skipped = [...new Set([...n.skippedRoutes, ...channels.map((c) => `${c}:*`)])];
    const left = n.channels.filter((c) => !skipped.includes(`${c}:*`));
    const now = this.clock.now();
    const detail = `opted out of ${n.category} on ${channels.join(', ')}`;
    await this.dataSource.query(
      `UPDATE notifications SET skipped_routes = $2, updated_at = $3,
         status = CASE WHEN $4 THEN 'suppressed' ELSE status END,
         timeline = CASE WHEN $4 THEN timeline || $5::jsonb ELSE timeline END
       WHERE id = $1 AND status IN ('queued', 'scheduled')`,
      [n.id, skipped, now, left.length === 0, entry('suppressed', now, undefined, detail)],
    );
    return left.length === 0 ? null : skipped;
  }

  /** Nothing left to try. Returns false when the notification was not in a state to fail. */
  async fail(n: Notification, code: string, detail: string): Promise<boolean> {
    const now = this.clock.now();
    const [rows]: [unknown[]] = await this.dataSource.query(
      `UPDATE notifications SET status = 'failed', error_code = $2, error = $3, updated_at = $4,
         timeline = timeline || $5::jsonb
       WHERE id = $1 AND status IN ('queued', 'scheduled', 'sending', 'sent') RETURNING id`,
      [n.id, code, detail.slice(0, 1000), now, entry('failed', now, n.attempts || undefined, detail)],
    );
    if (rows.length > 0) await this.observers.notify({ notification: n, status: 'failed', at: now });
    return rows.length > 0;
  }

  /** A failed notification back in the queue with every route open again (a DLQ retry). */
  async reopen(workspaceId: string, id: string): Promise<Notification | null> {
    const now = this.clock.now();
    const [rows]: [unknown[]] = await this.dataSource.query(
      `UPDATE notifications SET status = 'queued', skipped_routes = '{}', route_tries = 0, next_attempt_at = $3,
         updated_at = $3, timeline = timeline || $4::jsonb
       WHERE id = $1 AND workspace_id = $2 AND status = 'failed' RETURNING id`,
      [id, workspaceId, now, entry('queued', now, undefined, 'retried from the dead-letter queue')],
    );
    return rows.length ? this.load(id) : null;
  }

  /** The attempt a provider message id belongs to, in a workspace. */
  async attemptByProviderId(workspaceId: string, providerMessageId: string): Promise<AttemptRef | undefined> {
    const rows: AttemptRef[] = await this.dataSource.query(
      `SELECT id, channel, provider_id AS "providerId", provider_kind AS "providerKind" FROM notification_attempts WHERE provider_message_id = $1 AND workspace_id = $2 LIMIT 1`,
      [providerMessageId, workspaceId],
    );
    return rows[0];
  }
}

export interface AttemptRef {
  id: string;
  channel: Channel;
  providerId: string | null;
  providerKind: ProviderKind;
}

export function entry(status: NotificationStatus, at: Date, attempt?: number, detail?: string): string {
  const e: TimelineEntry = { status, at: at.toISOString(), attempt, detail };
  return JSON.stringify([e]);
}
