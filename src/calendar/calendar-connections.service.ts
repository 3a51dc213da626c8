import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { EventBus } from '../events/bus/event-bus';
import { Clock } from '../platform/clock';
import { SecretBox } from '../platform/crypto/secret-box';
import { Page, PageQuery, paginate } from '../platform/http/pagination';
import { Principal } from '../platform/http/principal';
import { notFound, ProblemException } from '../platform/http/problem';
import { CalendarConnection } from './calendar-connection.entity';
import { CalendarProblem } from './calendar.problems';
import {
  CalendarConnectionView,
  CreateCalendarConnectionDto,
  CreatedCalendarConnectionView,
  OAuthCallbackQuery,
} from './calendar.dto';
import { calendar_v3 } from '@googleapis/calendar';
import {
  GoogleCalendarClients,
  GoogleCredentials,
  GoogleFailure,
  googleFailure,
} from './google-calendar.client';

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

export function toConnectionView(c: CalendarConnection): CalendarConnectionView {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    status: c.status,
    calendarIds: c.calendarIds,
    lastSyncedAt: c.lastSyncedAt?.toISOString() ?? null,
    lastError: c.lastError,
    createdAt: c.createdAt.toISOString(),
  };
}

/**
 * Google connections: the OAuth code flow (consent URL → callback → sealed tokens) or a service
 * account key; Calendar clients for the other services, with refreshed tokens stored again and a
 * revoked grant turning the connection `needs_reauth` (and emitting `calendar.connection.needs_reauth`).
 */
@Injectable()
export class CalendarConnections {
  private readonly logger = new Logger('CalendarConnections');

  constructor(
    @InjectRepository(CalendarConnection) private readonly repo: Repository<CalendarConnection>,
    private readonly google: GoogleCalendarClients,
    private readonly box: SecretBox,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  async create(caller: Principal, dto: CreateCalendarConnectionDto): Promise<CreatedCalendarConnectionView> {
    const now = this.clock.now();
    const row = this.repo.create({
      id: uuidv7(),
      workspaceId: caller.workspaceId,
      kind: dto.kind,
      name:
        dto.name ??
        (dto.kind === 'oauth' ? 'Google Calendar' : (dto.serviceAccount?.client_email ?? 'Google')),
      calendarIds: dto.calendarIds ?? ['primary'],
      syncTokens: {},
      createdAt: now,
      updatedAt: now,
      nextSyncAt: now,
    });
    if (dto.kind === 'service_account') {
      if (!dto.serviceAccount)
        throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
          errors: [{ field: 'serviceAccount', message: 'is required for kind service_account' }],
        });
      row.status = 'active';
      row.credentialsSealed = this.seal(row.id, {
        kind: 'service_account',
        client_email: dto.serviceAccount.client_email,
        private_key: dto.serviceAccount.private_key,
        subject: dto.subject,
      });
      await this.repo.insert(row);
      return toConnectionView(row);
    }
    if (!this.google.configured) throw new CalendarProblem('CALENDAR_NOT_CONFIGURED');
    const state = randomBytes(24).toString('base64url');
    row.status = 'pending';
    row.oauthState = hashState(state);
    await this.repo.insert(row);
    return { ...toConnectionView(row), authorizationUrl: this.google.consentUrl(state) };
  }

  /** Google's redirect after consent: the code is exchanged once and the tokens stored sealed. */
  async callback(query: OAuthCallbackQuery): Promise<CalendarConnectionView> {
    const row = await this.repo.findOne({ where: { oauthState: hashState(query.state) } });
    if (!row) throw new CalendarProblem('CALENDAR_OAUTH_FAILED', 'Unknown or already used state');
    if (query.error || !query.code)
      throw new CalendarProblem('CALENDAR_OAUTH_FAILED', `Google answered ${query.error ?? 'no code'}`);
    let credentials: GoogleCredentials;
    try {
      credentials = await this.google.exchangeCode(query.code);
    } catch (err) {
      throw new CalendarProblem('CALENDAR_OAUTH_FAILED', (err as Error).message);
    }
    if (credentials.kind === 'oauth' && !credentials.refresh_token)
      throw new CalendarProblem(
        'CALENDAR_OAUTH_FAILED',
        'Google gave no refresh token (offline access refused)',
      );
    const now = this.clock.now();
    await this.repo.update(
      { id: row.id },
      {
        status: 'active',
        oauthState: null,
        credentialsSealed: this.seal(row.id, credentials),
        lastError: null,
        nextSyncAt: now,
        updatedAt: now,
      },
    );
    return toConnectionView(await this.repo.findOneByOrFail({ id: row.id }));
  }

  list(caller: Principal, query: PageQuery): Promise<Page<CalendarConnectionView>> {
    const qb = this.repo.createQueryBuilder('c').where('c.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, toConnectionView);
  }

  async get(caller: Principal, id: string): Promise<CalendarConnectionView> {
    return toConnectionView(await this.find(caller.workspaceId, id));
  }

  async remove(caller: Principal, id: string): Promise<void> {
    await this.find(caller.workspaceId, id);
    await this.repo.manager.transaction(async (m) => {
      // The mirror goes with the connection; appointments stay (booked, no longer mirrored).
      await m.query('DELETE FROM calendar_events WHERE connection_id = $1', [id]);
      await m.query(
        'UPDATE appointments SET connection_id = NULL, calendar_id = NULL WHERE connection_id = $1',
        [id],
      );
      await m.delete(CalendarConnection, { id, workspaceId: caller.workspaceId });
    });
  }

  async find(workspaceId: string, id: string): Promise<CalendarConnection> {
    const row = await this.repo.findOne({ where: { id, workspaceId } });
    if (!row) throw notFound('Calendar connection');
    return row;
  }

  /** The connection named, else the workspace's oldest active one; null when there is none. */
  async resolve(workspaceId: string, id?: string): Promise<CalendarConnection | null> {
    if (id) return this.find(workspaceId, id);
    return this.repo.findOne({ where: { workspaceId, status: 'active' }, order: { id: 'ASC' } });
  }

  async byId(id: string): Promise<CalendarConnection | null> {
    return this.repo.findOne({ where: { id } });
  }

  /**
   * Runs `call` with the connection's Calendar client; every failure comes out as a GoogleFailure,
   * and a revoked grant marks the connection `needs_reauth` first.
   */
  async withCalendar<T>(
    connection: CalendarConnection,
    call: (api: calendar_v3.Calendar) => Promise<T>,
  ): Promise<T> {
    if (connection.status !== 'active' || !connection.credentialsSealed)
      throw new GoogleFailure('reauth', `Connection ${connection.id} is ${connection.status}`);
    const credentials = JSON.parse(
      this.box.open(connection.credentialsSealed, `calendar:${connection.id}`),
    ) as GoogleCredentials;
    const { api } = this.google.connect(credentials, (fresh) => {
      this.repo
        .update({ id: connection.id }, { credentialsSealed: this.seal(connection.id, fresh) })
        .catch((err: Error) => this.logger.warn(`storing refreshed tokens failed: ${err.message}`));
    });
    try {
      return await call(api);
    } catch (err) {
      const failure = googleFailure(err);
      if (failure.kind === 'reauth') await this.needsReauth(connection, failure.message);
      throw failure;
    }
  }

  async needsReauth(connection: CalendarConnection, reason: string): Promise<void> {
    const now = this.clock.now();
    const changed = await this.repo
      .createQueryBuilder()
      .update()
      .set({ status: 'needs_reauth', lastError: reason, updatedAt: now })
      .where("id = :id AND status = 'active'", { id: connection.id })
      .execute();
    if (!changed.affected) return;
    connection.status = 'needs_reauth';
    await this.bus.emit(
      connection.workspaceId,
      'calendar.connection.needs_reauth',
      { connectionId: connection.id, name: connection.name, reason },
      { dedupeKey: `calendar-reauth-${connection.id}-${now.getTime()}` },
    );
  }

  /** Connections due for a sync (active, next sync time passed). */
  due(now: Date, limit = 100): Promise<CalendarConnection[]> {
    return this.repo
      .createQueryBuilder('c')
      .where("c.status = 'active' AND (c.nextSyncAt IS NULL OR c.nextSyncAt <= :now)", { now })
      .orderBy('c.nextSyncAt', 'ASC', 'NULLS FIRST')
      .take(limit)
      .getMany();
  }

  /** Takes the sync lease of a connection for `ms`; false when another worker holds it. */
  async lease(id: string, now: Date, ms: number): Promise<boolean> {
    const res = await this.repo
      .createQueryBuilder()
      .update()
      .set({ syncLeaseUntil: new Date(now.getTime() + ms) })
      .where('id = :id AND (sync_lease_until IS NULL OR sync_lease_until < :now)', { id, now })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  async synced(
    id: string,
    fields: { syncTokens: Record<string, string>; error: string | null; nextSyncAt: Date },
  ): Promise<void> {
    const now = this.clock.now();
    await this.repo.update(
      { id },
      {
        syncTokens: fields.syncTokens,
        lastError: fields.error,
        lastSyncedAt: fields.error ? undefined : now,
        nextSyncAt: fields.nextSyncAt,
        syncLeaseUntil: null,
        updatedAt: now,
      },
    );
  }

  private seal(id: string, credentials: GoogleCredentials): string {
    return this.box.seal(JSON.stringify(credentials), `calendar:${id}`);
  }
}
