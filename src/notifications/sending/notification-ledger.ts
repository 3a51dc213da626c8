import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Batched, BatchLoader } from '../../platform/database/batched';
import { selectEntities } from '../../platform/database/entity-rows';
import { Clock } from '../../platform/clock';
import { DlqService, type NewDlqEntry } from '../../events/dlq/dlq.service';
import type { Channel } from '../channels';
import type { ProviderKind } from '../providers/provider-kind';
import type { AttemptStatus, NotificationAttempt } from './notification-attempt.entity';
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
    private readonly dlq: DlqService,
  ) {}

  /**
   * Concurrent loads (jobs running at once) are one `WHERE id = ANY($1)`, a plain statement
   * rather than `findBy`, whose query building was a send's largest share of TypeORM's CPU.
   */
  private readonly loader = new BatchLoader<string, Notification>(async (ids) => {
    const rows = await selectEntities(
      this.dataSource.getRepository(Notification),
      'SELECT * FROM notifications WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((n) => [n.id, n]));
  });
  private readonly claims = new Batched<ClaimItem, boolean>((items) => this.claimMany(items));
  private readonly sends = new Batched<SentItem, void>((items) => this.markSentMany(items));
  private readonly statuses = new Batched<StatusItem, string | null>((items) => this.applyStatuses(items));

  /** A copy per caller: two jobs of one notification in one batch must not share the object. */
  async load(id: string): Promise<Notification | null> {
    const n = await this.loader.load(id);
    return n ? { ...n } : null;
  }

  /**
   * Takes the next call for this worker (only the one that read `n.attempts` wins) and opens its
   * attempt row in the same statement, batched with the claims of concurrent jobs. Returns the
   * attempt number, or null when another won. The `sending` entry of the timeline is not stored:
   * the attempt row holds all of it (see `timelineOf`).
   */
  async claim(
    n: Notification,
    route: Route,
    attemptId: string,
  ): Promise<{ attempts: number; routeTries: number } | null> {
    const sameRoute = n.providerId === route.account.id && n.channel === route.channel && n.routeTries > 0;
    const routeTries = sameRoute ? n.routeTries + 1 : 1;
    const won = await this.claims.run({
      id: n.id,
      attempts: n.attempts,
      routeTries,
      channel: route.channel,
      providerId: route.account.id,
      providerKind: route.account.kind,
      attemptId,
      at: this.clock.now(),
    });
    return won ? { attempts: n.attempts + 1, routeTries } : null;
  }

  /**
   * One conditional UPDATE of many notifications (rows locked in id order) and one INSERT of their
   * attempts; a caller won when its own attempt id came back. Two claims of one notification in a
   * batch: the UPDATE moves the row once, so one of them wins.
   */
  private async claimMany(items: ClaimItem[]): Promise<boolean[]> {
    const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const col = <T>(pick: (i: ClaimItem) => T) => sorted.map(pick);
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH u AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::text[], $5::uuid[], $6::text[], $7::uuid[], $8::timestamptz[])
           AS u(id, attempts, route_tries, channel, provider_id, provider_kind, attempt_id, at)),
       locked AS (
         SELECT n.id FROM notifications n WHERE n.id IN (SELECT id FROM u) ORDER BY n.id FOR UPDATE),
       claimed AS (
         UPDATE notifications n SET status = 'sending', attempts = n.attempts + 1, route_tries = u.route_tries,
           channel = u.channel, provider_id = u.provider_id, provider_kind = u.provider_kind,
           current_attempt_id = u.attempt_id, updated_at = u.at
         FROM u, locked l
         WHERE n.id = l.id AND n.id = u.id AND n.attempts = u.attempts AND n.status IN ('queued', 'scheduled', 'sending')
         RETURNING n.id, n.workspace_id, n.attempts, u.attempt_id, u.channel, u.provider_id, u.provider_kind, u.at)
       INSERT INTO notification_attempts (id, notification_id, workspace_id, attempt, channel, provider_id, provider_kind, status, created_at, updated_at)
       SELECT attempt_id, id, workspace_id, attempts, channel, provider_id, provider_kind, 'sending', at, at FROM claimed
       RETURNING id`,
      [
        col((i) => i.id),
        col((i) => i.attempts),
        col((i) => i.routeTries),
        col((i) => i.channel),
        col((i) => i.providerId),
        col((i) => i.providerKind),
        col((i) => i.attemptId),
        col((i) => i.at.toISOString()),
      ],
    );
    const won = new Set(rows.map((r) => r.id));
    return items.map((i) => won.has(i.attemptId));
  }

  /**
   * The provider accepted the message: the attempt and the notification are `sent`, in one
   * statement with the concurrent jobs' sends.
   */
  async markSent(
    attemptId: string,
    attempt: number,
    providerMessageId: string,
    durationMs: number,
  ): Promise<void> {
    await this.sends.run({ attemptId, attempt, providerMessageId, durationMs, at: this.clock.now() });
  }

  private async markSentMany(items: SentItem[]): Promise<void[]> {
    const sorted = [...items].sort((a, b) => (a.attemptId < b.attemptId ? -1 : 1));
    const col = <T>(pick: (i: SentItem) => T) => sorted.map(pick);
    await this.dataSource.query(
      `WITH u AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::jsonb[])
           AS u(attempt_id, provider_message_id, duration_ms, at, entry)),
       a AS (
         UPDATE notification_attempts t SET status = 'sent', provider_message_id = u.provider_message_id,
           duration_ms = u.duration_ms, updated_at = u.at
         FROM u WHERE t.id = u.attempt_id AND t.status = 'sending'
         RETURNING t.id, t.notification_id, u.provider_message_id, u.at, u.entry)
       UPDATE notifications n SET status = 'sent', provider_message_id = a.provider_message_id, error_code = NULL,
         error = NULL, updated_at = a.at, timeline = n.timeline || a.entry
       FROM a WHERE n.id = a.notification_id AND n.current_attempt_id = a.id AND n.status = 'sending'`,
      [
        col((i) => i.attemptId),
        col((i) => i.providerMessageId),
        col((i) => Math.round(i.durationMs)),
        col((i) => i.at.toISOString()),
        col((i) => entry('sent', i.at, i.attempt)),
      ],
    );
    return items.map(() => undefined);
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
    const at = this.clock.now();
    const notificationId = await this.statuses.run({
      attemptId,
      status,
      errorCode: info.errorCode ?? null,
      error: info.error?.slice(0, 1000) ?? null,
      at,
    });
    if (!notificationId) return null;
    const n = await this.load(notificationId);
    if (!n || n.currentAttemptId !== attemptId) return null;
    if (status !== 'failed' && status !== 'sent')
      await this.observers.notify({ notification: n, status, at });
    return n;
  }

  /**
   * The attempts moved forward and, for a status other than `failed`, their notifications when
   * the attempt is still current, in one statement for the concurrent callbacks. Answers each
   * caller's notification id when its attempt moved.
   */
  private async applyStatuses(items: StatusItem[]): Promise<Array<string | null>> {
    const sorted = [...items].sort((a, b) => (a.attemptId < b.attemptId ? -1 : 1));
    const col = <T>(pick: (i: StatusItem) => T) => sorted.map(pick);
    const rows: Array<{ id: string; notification_id: string }> = await this.dataSource.query(
      `WITH u AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
           AS u(attempt_id, status, error_code, error, at)),
       moved AS (
         UPDATE notification_attempts t SET status = u.status, error_code = COALESCE(u.error_code, t.error_code),
           error = COALESCE(u.error, t.error), updated_at = u.at
         FROM u WHERE t.id = u.attempt_id AND (
           (u.status = 'failed' AND t.status IN ('sending', 'sent'))
           OR (u.status <> 'failed' AND t.status <> 'failed' AND array_position($6::text[], t.status) < array_position($6::text[], u.status)))
         RETURNING t.id, t.notification_id, t.attempt, u.status, u.at),
       n AS (
         UPDATE notifications n SET status = m.status, updated_at = m.at,
           timeline = n.timeline || jsonb_build_array(jsonb_build_object('status', m.status, 'at', to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'attempt', m.attempt))
         FROM moved m WHERE n.id = m.notification_id AND n.current_attempt_id = m.id AND m.status <> 'failed'
           AND array_position($6::text[], n.status) < array_position($6::text[], m.status)
         RETURNING n.id)
       SELECT id, notification_id FROM moved`,
      [
        col((i) => i.attemptId),
        col((i) => i.status),
        col((i) => i.errorCode),
        col((i) => i.error),
        col((i) => i.at.toISOString()),
        FORWARD,
      ],
    );
    const moved = new Map(rows.map((r) => [r.id, r.notification_id]));
    return items.map((i) => moved.get(i.attemptId) ?? null);
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

  /**
   * Nothing left to try: `failed`, and its dead-letter entry in the same transaction. Returns false
   * (and files nothing) when the notification was not in a state to fail.
   */
  async fail(n: Notification, code: string, detail: string, dead: NewDlqEntry): Promise<boolean> {
    const now = this.clock.now();
    const failed = await this.dlq.deadLetter(async (tx) => {
      const [rows]: [unknown[]] = await tx.query(
        `UPDATE notifications SET status = 'failed', error_code = $2, error = $3, updated_at = $4,
           timeline = timeline || $5::jsonb
         WHERE id = $1 AND status IN ('queued', 'scheduled', 'sending', 'sent') RETURNING id`,
        [n.id, code, detail.slice(0, 1000), now, entry('failed', now, n.attempts || undefined, detail)],
      );
      return rows.length > 0;
    }, dead);
    if (failed) await this.observers.notify({ notification: n, status: 'failed', at: now });
    return failed;
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

interface ClaimItem {
  id: string;
  attempts: number;
  routeTries: number;
  channel: Channel;
  providerId: string | null;
  providerKind: string;
  attemptId: string;
  at: Date;
}

interface StatusItem {
  attemptId: string;
  status: Exclude<AttemptStatus, 'sending'>;
  errorCode: string | null;
  error: string | null;
  at: Date;
}

interface SentItem {
  attemptId: string;
  attempt: number;
  providerMessageId: string;
  durationMs: number;
  at: Date;
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

/**
 * The timeline as shown: the stored entries plus each attempt's `sending` (not stored: the attempt
 * row has its time, number and route), placed before the first entry of that attempt, else by time.
 */
export function timelineOf(
  stored: TimelineEntry[],
  attempts: Array<Pick<NotificationAttempt, 'attempt' | 'channel' | 'providerKind' | 'createdAt'>>,
): TimelineEntry[] {
  const timeline = [...stored];
  for (const a of attempts) {
    const at = a.createdAt.toISOString();
    const sending: TimelineEntry = {
      status: 'sending',
      at,
      attempt: a.attempt,
      detail: `${a.channel} via ${a.providerKind}`,
    };
    if (timeline.some((e) => e.status === 'sending' && e.attempt === a.attempt)) continue; // stored before
    let i = timeline.findIndex((e) => e.attempt === a.attempt);
    if (i < 0) i = timeline.findIndex((e) => e.at > at);
    timeline.splice(i < 0 ? timeline.length : i, 0, sending);
  }
  return timeline;
}
