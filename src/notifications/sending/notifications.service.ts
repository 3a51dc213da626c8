import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { v7 as uuidv7 } from 'uuid';
import { DataSource, In, Repository } from 'typeorm';
import { AppConfig } from '../../config/config';
import { OutboxSweep, StuckWork } from '../../platform/outbox/outbox-relay';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import { Clock } from '../../platform/clock';
import { BUSY_LINGER_MS, GroupCommit } from '../../platform/database/group-commit';
import { RequestLane } from '../../platform/database/request-lane';
import { notFound, ProblemException } from '../../platform/http/problem';
import { Page, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { flattenValidationErrors } from '../../platform/http/validation';
import { savedUrlRefusal } from '../../platform/outbound/ssrf-guard';
import { JobQueue } from '../../platform/queue/job-queue.service';
import { LocalRuns } from '../../platform/queue/local-runs';
import { NotificationComposer } from './notification-composer';
import { ConsentDecision, ConsentGate } from './consent-gate';
import { NotificationSender } from './notification-sender';
import { assignBatchJobs, batchJobs, notificationJob, STUCK_SENDING_MS } from './notification-jobs';
import { entry, timelineOf } from './notification-ledger';
import { NotificationAttempt } from './notification-attempt.entity';
import { prepareNotification, PrepareOptions, WindowGuard } from './notification-request';
import { WorkspacesService } from '../../gateway/workspaces/workspaces.service';
import { TurnBudget } from '../../platform/turn-budget';
import { ContactsService, KnownContact, knownAnswer } from '../contacts/contacts.service';
import { Notification, type NotificationStatus } from './notification.entity';
import { BulkNotificationsDto, NotificationQuery, SendNotificationDto } from './notifications.dto';
import {
  BulkItemResult,
  NotificationAcceptedView,
  NotificationSummaryView,
  NotificationView,
} from './notification-views';
import { NotificationsProblem } from '../notifications.problems';
import type { Route } from './notification-routes';

/** What `sendFor` decided about a first call made here before storing its row. */
interface FirstCall {
  consent?: ConsentDecision;
  /** Set when the row is stored claimed on this route. */
  route?: Route;
}

// One statement for any batch size (arrays, not a VALUES list), so PostgreSQL plans it once; a row
// stored claimed (a first call made here, `firstCall`) has its attempt opened in the same statement.
const INSERT = `
  WITH stored AS (
    INSERT INTO notifications (id, workspace_id, to_contact_id, to_phone, to_email, channels, template_key, locale,
      content, data, category, priority, send_at, status, skipped_routes, timeline, next_attempt_at, created_at, updated_at,
      conversation_id, via_provider_id, attempts, route_tries, channel, provider_id, provider_kind, current_attempt_id,
      job_id)
    SELECT id, ws, contact, phone, email, channels::text[], template, locale, content, data, category, priority,
      send_at, status, skipped::text[], timeline, next_at, created, created, conv, via, attempts, route_tries,
      channel, provider_id, provider_kind, attempt_id, job_id
    FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
      $9::jsonb[], $10::jsonb[], $11::text[], $12::text[], $13::timestamptz[], $14::text[], $15::text[], $16::jsonb[],
      $17::timestamptz[], $18::timestamptz[], $19::uuid[], $20::uuid[], $21::int[], $22::int[], $23::text[],
      $24::uuid[], $25::text[], $26::uuid[], $27::text[])
      AS t(id, ws, contact, phone, email, channels, template, locale, content, data, category, priority, send_at,
           status, skipped, timeline, next_at, created, conv, via, attempts, route_tries, channel, provider_id,
           provider_kind, attempt_id, job_id)
    ON CONFLICT (id) DO NOTHING
    RETURNING id, workspace_id, attempts, channel, provider_id, provider_kind, current_attempt_id, created_at),
  opened AS (
    INSERT INTO notification_attempts (id, notification_id, workspace_id, attempt, channel, provider_id, provider_kind,
      status, created_at, updated_at)
    SELECT current_attempt_id, id, workspace_id, attempts, channel, provider_id, provider_kind, 'sending', created_at,
      created_at
    FROM stored WHERE current_attempt_id IS NOT NULL)
  SELECT id FROM stored`;

/** The one method (WhatsApp's) that tells which phones are inside their 24-hour window; none: no check. */
export const WINDOW_GUARD = definePluginPoint<WindowGuard>({ title: 'window guard', single: true });

/** `@GuardsWindow()` on a method `(workspaceId, phone, viaProviderId) => open?`. */
export const GuardsWindow = () => declare(WINDOW_GUARD);

interface PendingNotification {
  id: string;
  status: string;
  attempts: number;
  priority: string;
  next_attempt_at: Date;
  job_id: string | null;
}

/** Bulk items in preparation at once (those that read contacts wait on PostgreSQL together). */
const BULK_SLICE = 10;

/** The sending API: accept (persist, then enqueue), list, read, cancel. */
@Injectable()
export class NotificationsService implements OnModuleInit {
  private readonly logger = new Logger('Notifications');
  /** The ids each flush inserted (an id given twice is stored once). */
  private readonly batches = new GroupCommit<Notification, Set<string>>((rows) => this.flush(rows), {
    afterAcknowledge: (rows, inserted) => this.enqueue(rows.filter((n) => inserted.has(n.id))),
    // As the events writer: under load a batch waits a few ms for company (an idle API flushes at
    // once), so a flush and its batch jobs carry more notifications. notify-api measured 2.7 rows
    // a flush without the wait, 5.5 with it, and PostgreSQL's share fell from 0.24 to 0.17 cores.
    maxInFlight: 2,
    lingerMs: BUSY_LINGER_MS,
    lingerWhenBusy: true,
  });
  private windowGuard?: WindowGuard;
  /** Rows whose first call this process makes itself, without a job (`sendFor`'s `sendHere`). */
  private readonly sentHere = new WeakSet<Notification>();

  constructor(
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    @InjectRepository(NotificationAttempt) private readonly attempts: Repository<NotificationAttempt>,
    private readonly composer: NotificationComposer,
    private readonly contacts: ContactsService,
    private readonly workspaces: WorkspacesService,
    private readonly dataSource: DataSource,
    private readonly lane: RequestLane,
    private readonly jobs: JobQueue,
    private readonly local: LocalRuns,
    private readonly sender: NotificationSender,
    private readonly consent: ConsentGate,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly plugins: PluginRegistry,
  ) {}

  onModuleInit(): void {
    this.windowGuard = this.plugins.get(WINDOW_GUARD)[0]?.handler;
  }

  send(caller: Principal, dto: SendNotificationDto): Promise<NotificationAcceptedView> {
    return this.sendFor(caller.workspaceId, dto);
  }

  /**
   * For other modules (conversation replies, opt-out confirmations, workflow steps): the same path
   * as the API. With `options.id`, asking twice sends once (the second answer is the first's id).
   * With `sendHere`, a worker makes the first call itself when it has a place (LocalRuns) and the
   * notification is due now and not `low`: no job, so no queue hop (a workflow's notify step).
   * `known`: the recipient's contact as the caller just looked it up (see ConsentGate.check).
   */
  async sendFor(
    workspaceId: string,
    dto: SendNotificationDto,
    options: Omit<PrepareOptions, 'windowGuard'> & { sendHere?: boolean; known?: KnownContact } = {},
  ): Promise<NotificationAcceptedView> {
    const n = await this.prepare(workspaceId, dto, this.clock.now(), options);
    const here =
      options.sendHere === true &&
      n.status === 'queued' &&
      n.priority !== 'low' &&
      n.nextAttemptAt.getTime() <= this.clock.nowMs() &&
      this.local.take('sends');
    if (here) this.sentHere.add(n);
    const first = here ? await this.firstCall(n, options.known) : undefined;
    let inserted: Set<string>;
    try {
      inserted = await this.store([n]);
    } catch (err) {
      if (here) this.local.release('sends');
      throw err;
    }
    if (here && inserted.has(n.id)) this.local.run('sends', () => this.sendNow(n, first));
    else if (here) this.local.release('sends');
    if (inserted.has(n.id)) return { id: n.id, status: n.status };
    // the id was stored before: answer where that notification stands
    const [stored] = await this.notifications.find({
      where: { id: n.id },
      select: { id: true, status: true },
    });
    return { id: n.id, status: stored?.status ?? n.status };
  }

  /**
   * A contact recipient lends its phone and e-mail, the workspace its business details (what the
   * data gives wins, as in workflows); then the request is validated and rendered.
   */
  private async prepare(
    workspaceId: string,
    dto: SendNotificationDto,
    now: Date,
    options: Omit<PrepareOptions, 'windowGuard'> & { known?: KnownContact } = {},
  ): Promise<Notification> {
    // Providers fetch the attachment, some (WAHA, self-hosted) from inside our network.
    const mediaUrl = dto.content?.media?.url;
    const refusal = mediaUrl
      ? await savedUrlRefusal(mediaUrl, { allowPrivate: this.config.outbound.allowPrivate })
      : undefined;
    if (refusal) {
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: 'content.media.url', message: refusal }],
      });
    }
    if (dto.to?.contactId) {
      const id = dto.to.contactId;
      const contact = knownAnswer(options.known, { id }) ?? (await this.contacts.find(workspaceId, id));
      if (!contact) throw notFound('Contact');
      dto.to.phone ??= contact.phone ?? undefined;
      dto.to.email ??= contact.email ?? undefined;
    }
    if (dto.template) {
      const workspace = await this.workspaces.profileOf(workspaceId);
      const address = workspace.address === null ? {} : { address: workspace.address };
      dto.data = { businessName: workspace.businessName, ...address, ...dto.data };
      dto.locale ??= workspace.locale;
    }
    return prepareNotification(dto, workspaceId, this.composer, now, {
      ...options,
      windowGuard: this.windowGuard,
    });
  }

  /**
   * Each item is validated and accepted on its own; the accepted ones are stored in one insert.
   * Up to BULK_SLICE items are prepared at once, in turns of the event loop of about a millisecond: a
   * thousand renders in one run would hold this process's I/O and timers (the workers' job
   * fetches, the provider pacer's slots, other requests) for the whole request.
   */
  async sendBulk(caller: Principal, dto: BulkNotificationsDto): Promise<{ results: BulkItemResult[] }> {
    const now = this.clock.now();
    const budget = new TurnBudget();
    const pending: Array<Promise<BulkItemResult & { row?: Notification }>> = [];
    for (const [index, item] of dto.notifications.entries()) {
      if (index >= BULK_SLICE) await pending[index - BULK_SLICE];
      await budget.spend();
      const result = this.bulkItem(caller, item, index, now);
      result.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
      pending.push(result);
    }
    const results = await Promise.all(pending);
    await this.store(results.flatMap((r) => (r.row ? [r.row] : [])));
    return { results: results.map(({ row: _row, ...r }) => r) };
  }

  private async bulkItem(
    caller: Principal,
    item: BulkNotificationsDto['notifications'][number],
    index: number,
    now: Date,
  ): Promise<BulkItemResult & { row?: Notification }> {
    const parsed = plainToInstance(SendNotificationDto, item);
    const errors = await validate(parsed, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      const detail = flattenValidationErrors(errors)
        .map((e) => `${e.field}: ${e.message}`)
        .join('; ');
      return { index, error: { code: 'VALIDATION_FAILED', detail } };
    }
    try {
      const row = await this.prepare(caller.workspaceId, parsed, now);
      return { index, id: row.id, status: row.status, row };
    } catch (err) {
      if (!(err instanceof ProblemException)) throw err;
      const fields = err.extras.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
      return { index, error: { code: err.code, detail: fields || err.message } };
    }
  }

  list(caller: Principal, query: NotificationQuery): Promise<Page<NotificationSummaryView>> {
    const qb = this.notifications
      .createQueryBuilder('n')
      .where('n.workspaceId = :ws', { ws: caller.workspaceId });
    if (query.status) qb.andWhere('n.status = :status', { status: query.status });
    if (query.channel) qb.andWhere('n.channel = :channel', { channel: query.channel });
    if (query.contactId) qb.andWhere('n.toContactId = :contactId', { contactId: query.contactId });
    if (query.from) qb.andWhere('n.createdAt >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('n.createdAt < :to', { to: new Date(query.to) });
    return paginate(qb, query, summary, { by: 'createdAt' });
  }

  async get(caller: Principal, id: string): Promise<NotificationView> {
    const n = await this.notifications.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!n) throw notFound('Notification');
    const attempts = await this.attempts.find({ where: { notificationId: id }, order: { attempt: 'ASC' } });
    return {
      ...summary(n),
      timeline: timelineOf(n.timeline, attempts),
      attemptLog: attempts.map((a) => ({
        attempt: a.attempt,
        channel: a.channel,
        providerId: a.providerId,
        providerKind: a.providerKind,
        status: a.status,
        providerMessageId: a.providerMessageId,
        errorCode: a.errorCode,
        error: a.error,
        durationMs: a.durationMs,
        createdAt: a.createdAt.toISOString(),
        updatedAt: a.updatedAt.toISOString(),
      })),
    };
  }

  /** Status and provider message id of each notification in `ids` (for modules that show them). */
  async statusesOf(
    ids: string[],
  ): Promise<Map<string, { status: NotificationStatus; providerMessageId: string | null }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.notifications.find({
      where: { id: In(ids) },
      select: { id: true, status: true, providerMessageId: true },
    });
    return new Map(rows.map((n) => [n.id, { status: n.status, providerMessageId: n.providerMessageId }]));
  }

  /** Only what no provider has been asked to send yet can be cancelled. */
  async cancel(caller: Principal, id: string): Promise<NotificationView> {
    const now = this.clock.now();
    const [rows]: [unknown[]] = await this.dataSource.query(
      `UPDATE notifications SET status = 'cancelled', updated_at = $3, timeline = timeline || $4::jsonb
       WHERE id = $1 AND workspace_id = $2 AND status IN ('scheduled', 'queued') RETURNING id`,
      [id, caller.workspaceId, now, entry('cancelled', now)],
    );
    const view = await this.get(caller, id);
    if (rows.length === 0)
      throw new NotificationsProblem('NOTIFICATION_NOT_CANCELLABLE', `The notification is ${view.status}`);
    return view;
  }

  /**
   * Persists (answered on the commit, on the RequestLane's connections), then enqueues, in group
   * commits with concurrent requests.
   */
  private store(rows: Notification[]): Promise<Set<string>> {
    return rows.length ? this.batches.add(rows) : Promise.resolve(new Set());
  }

  private async flush(rows: Notification[]): Promise<Set<string>> {
    assignBatchJobs(rows.filter((n) => this.waitsForBatchJob(n)));
    const inserted = await this.lane.query<{ id: string }>(INSERT, [
      rows.map((n) => n.id),
      rows.map((n) => n.workspaceId),
      rows.map((n) => n.toContactId),
      rows.map((n) => n.toPhone),
      rows.map((n) => n.toEmail),
      rows.map((n) => `{${n.channels.join(',')}}`),
      rows.map((n) => n.templateKey),
      rows.map((n) => n.locale),
      rows.map((n) => (n.content ? JSON.stringify(n.content) : null)),
      rows.map((n) => JSON.stringify(n.data)),
      rows.map((n) => n.category),
      rows.map((n) => n.priority),
      rows.map((n) => n.sendAt?.toISOString() ?? null),
      rows.map((n) => n.status),
      rows.map((n) => `{${n.skippedRoutes.join(',')}}`),
      rows.map((n) => JSON.stringify(n.timeline)),
      rows.map((n) => n.nextAttemptAt.toISOString()),
      rows.map((n) => n.createdAt.toISOString()),
      rows.map((n) => n.conversationId),
      rows.map((n) => n.viaProviderId),
      rows.map((n) => n.attempts),
      rows.map((n) => n.routeTries),
      rows.map((n) => n.channel),
      rows.map((n) => n.providerId),
      rows.map((n) => n.providerKind),
      rows.map((n) => n.currentAttemptId),
      rows.map((n) => n.jobId ?? null),
    ]);
    return new Set(inserted.map((r) => r.id));
  }

  /** Due now and left to a job: its first call rides in a batch job (see assignBatchJobs). */
  private waitsForBatchJob(n: Notification): boolean {
    return n.status === 'queued' && n.attempts === 0 && !this.sentHere.has(n);
  }

  /**
   * A first call made here is decided before its row is stored: consent looked up, a route chosen.
   * When both allow the call at once, the row is stored already claimed (`sending`, its attempt
   * open in the same statement), so no claim stands between the insert and the provider call. A
   * lookup that fails leaves every decision to the call (`callFor`).
   */
  private async firstCall(n: Notification, known?: KnownContact): Promise<FirstCall> {
    let consent: ConsentDecision;
    let route: Route | null;
    try {
      consent = await this.consent.check(n, known);
      route = await this.sender.routeAtOnce(n, consent);
    } catch {
      return {};
    }
    if (!route) return { consent };
    Object.assign(n, {
      status: 'sending',
      attempts: 1,
      routeTries: 1,
      channel: route.channel,
      providerId: route.account.id,
      providerKind: route.account.kind,
      currentAttemptId: uuidv7(),
    } satisfies Partial<Notification>);
    return { consent, route };
  }

  /**
   * The first call made here, from the row in hand (no load). A send that throws (PostgreSQL or
   * Redis unreachable before its records) goes to its job, which finds what was done by the calls
   * counted: none is made twice. (A row stored claimed meets outages inside `call`, which gives its
   * attempt back and hands it to a job itself; whatever else throws there leaves it `sending`, for
   * the relay to offer again once that is stale, as after a crash.)
   */
  private async sendNow(n: Notification, first: FirstCall = {}): Promise<void> {
    try {
      if (first.route) await this.sender.call(n, first.route, first.consent?.contactId ?? undefined);
      else await this.sender.callFor(n, first.consent);
    } catch (err) {
      this.logger.warn(`notification ${n.id}: send handed to a job (${(err as Error).message})`);
      this.sentHere.delete(n);
      await this.enqueue([n]);
    }
  }

  /**
   * After the 202: best effort, the relay enqueues what this could not (Redis down, a crash). Rows
   * due now ride in batch jobs, as the flush named them; scheduled ones get a delayed job each.
   */
  private async enqueue(all: Notification[]): Promise<void> {
    const rows = all.filter((n) => !this.sentHere.has(n));
    if (rows.length === 0) return;
    const now = this.clock.nowMs();
    try {
      await this.jobs.enqueueBulk([
        ...batchJobs(rows),
        ...rows
          .filter((n) => !n.jobId)
          .map((n) => notificationJob(n.id, 0, n.priority, n.nextAttemptAt.getTime() - now)),
      ]);
    } catch (err) {
      // Stored is accepted: the relay enqueues it once Redis is back.
      this.logger.warn(`enqueueing ${rows.length} notifications failed: ${(err as Error).message}`);
    }
  }

  /**
   * Offers again what is due soon but may have lost its job (Redis wiped), and stuck sends. A
   * waiting one whose job completed was deferred (rate limit, quiet hours): a tagged job holds it,
   * so only a failed or missing job is replaced; for a first call, its batch job's state counts.
   * A stuck `sending` one lost its worker.
   */
  @OutboxSweep('notifications')
  async relayPending(graceSeconds: number): Promise<number> {
    const rows: PendingNotification[] = await this.dataSource.query(
      `SELECT id, status, attempts, priority, next_attempt_at, job_id FROM notifications
         WHERE (status IN ('scheduled', 'queued') AND next_attempt_at < now() + interval '1 minute'
                AND updated_at < now() - make_interval(secs => $1))
            OR (status = 'sending' AND updated_at < now() - make_interval(secs => $2))
         ORDER BY next_attempt_at LIMIT 5000`,
      [graceSeconds, STUCK_SENDING_MS / 1000],
    );
    const now = this.clock.nowMs();
    const job = (r: PendingNotification) =>
      notificationJob(r.id, r.attempts, r.priority, new Date(r.next_attempt_at).getTime() - now);
    const [sending, waiting] = [
      rows.filter((r) => r.status === 'sending'),
      rows.filter((r) => r.status !== 'sending'),
    ];
    const carried = await this.carried(waiting);
    return (
      (await this.jobs.reoffer(waiting.filter((r) => !carried.has(r.id)).map(job), ['failed'])) +
      (await this.jobs.reoffer(sending.map(job)))
    );
  }

  /**
   * Waiting rows whose first call is still their batch job's: held (waiting, running) or
   * completed (it deferred them: a tagged job holds them), as `ntf-<id>-0` would be. A batch job
   * gone or failed leaves the row to a job of its own.
   */
  private async carried(rows: PendingNotification[]): Promise<Set<string>> {
    const firsts = rows.filter((r) => r.job_id && r.attempts === 0);
    const jobIds = [...new Set(firsts.map((r) => r.job_id!))];
    const states = await this.jobs.states('notifications.send', jobIds);
    const holding = new Set(jobIds.filter((_, i) => states[i] === 'held' || states[i] === 'completed'));
    return new Set(firsts.filter((r) => holding.has(r.job_id!)).map((r) => r.id));
  }

  /** Due more than the threshold ago and not sent, or `sending` with no news for that long. */
  @StuckWork('notifications')
  async countStuck(thresholdSeconds: number): Promise<number> {
    const [row]: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM notifications
       WHERE (status IN ('scheduled', 'queued') AND next_attempt_at < now() - make_interval(secs => $1))
          OR (status = 'sending' AND updated_at < now() - make_interval(secs => $1))`,
      [thresholdSeconds],
    );
    return Number(row.n);
  }
}

function summary(n: Notification): NotificationSummaryView {
  return {
    id: n.id,
    status: n.status,
    to: { contactId: n.toContactId, phone: n.toPhone, email: n.toEmail },
    channels: n.channels,
    template: n.templateKey,
    category: n.category,
    priority: n.priority,
    sendAt: n.sendAt?.toISOString() ?? null,
    channel: n.channel,
    providerId: n.providerId,
    providerKind: n.providerKind,
    providerMessageId: n.providerMessageId,
    errorCode: n.errorCode,
    error: n.error,
    attempts: n.attempts,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  };
}
