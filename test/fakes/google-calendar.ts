// Fake of Google's OAuth 2.0 token endpoint and the Calendar API v3 (providers.md §6, business-br.md §9),
// driven by the real `@googleapis/calendar` client pointed here with `rootUrl`. It checks what Google checks:
// client credentials and redirect URI on the code exchange, expiring access tokens, refresh tokens that can
// be revoked (`invalid_grant`), service-account assertions signed with the registered key, Bearer auth on
// every API call, required fields, sync tokens that expire with 410 `fullSyncRequired` and the parameters
// forbidden beside a sync token.
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { bearer, FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';

export interface FakeGoogleOptions {
  clientId: string;
  clientSecret: string;
  /** Lifetime of access tokens (Google: 3599 s). */
  accessTokenTtlSeconds?: number;
}

export interface GoogleEventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface FakeEvent {
  kind: 'calendar#event';
  id: string;
  etag: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  description?: string;
  location?: string;
  start: GoogleEventTime;
  end: GoogleEventTime;
  created: string;
  updated: string;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  sequence: number;
  [field: string]: unknown;
}

interface Stored {
  event: FakeEvent;
  /** Change counter value of its last change: what incremental sync compares. */
  changedAt: number;
}

const FORBIDDEN_WITH_SYNC_TOKEN = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];
const EVENT_ID = /^[a-v0-9]{5,1024}$/;

function googleError(code: number, reason: string, message: string, extra: Record<string, string> = {}) {
  return reply.json(
    { error: { errors: [{ domain: 'global', reason, message, ...extra }], code, message } },
    code,
  );
}
const authError = () =>
  googleError(401, 'authError', 'Invalid Credentials', { locationType: 'header', location: 'Authorization' });
const oauthError = (error: string, description: string, status = 400) =>
  reply.json({ error, error_description: description }, status);

function instantOf(t: GoogleEventTime | undefined): number | undefined {
  if (!t) return undefined;
  if (t.dateTime) {
    const ms = Date.parse(t.dateTime);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (t.date && /^\d{4}-\d{2}-\d{2}$/.test(t.date)) return Date.parse(`${t.date}T00:00:00Z`);
  return undefined;
}

export class FakeGoogleCalendar extends FakeServer {
  private calendars = new Map<string, Map<string, Stored>>();
  private codes = new Map<string, { redirectUri: string; scope: string }>();
  private accessTokens = new Map<string, { expiresAt: number; subject: string }>();
  private refreshTokens = new Map<string, { revoked: boolean; scope: string }>();
  private serviceAccounts = new Map<string, KeyObject>();
  private changes = 0;
  /** Sync tokens minted before this change count are expired (410). */
  private syncFloor = 0;

  constructor(private readonly options: FakeGoogleOptions) {
    super();
    this.addCalendar('primary');
    this.route('POST', '/token', (req) => this.token(req));
    this.route('POST', '/calendar/v3/freeBusy', (req) => this.authed(req, () => this.freeBusy(req)));
    this.route('GET', '/calendar/v3/calendars/:calendarId/events', (req) =>
      this.authed(req, () => this.list(req)),
    );
    this.route('POST', '/calendar/v3/calendars/:calendarId/events', (req) =>
      this.authed(req, () => this.insert(req)),
    );
    this.route('GET', '/calendar/v3/calendars/:calendarId/events/:eventId', (req) =>
      this.authed(req, () => this.withEvent(req, (s) => reply.json(s.event))),
    );
    this.route('PATCH', '/calendar/v3/calendars/:calendarId/events/:eventId', (req) =>
      this.authed(req, () => this.withEvent(req, (s) => this.patch(req, s))),
    );
    this.route('DELETE', '/calendar/v3/calendars/:calendarId/events/:eventId', (req) =>
      this.authed(req, () =>
        this.withEvent(req, (s) => {
          this.change(s, { status: 'cancelled' });
          return reply.empty(204);
        }),
      ),
    );
  }

  // --- what a test (standing in for Google's consent screen or a person in Google Calendar) does ---

  addCalendar(id: string): void {
    if (!this.calendars.has(id)) this.calendars.set(id, new Map());
  }

  /** The user consents on the page at `authorizationUrl`: answers the redirect's `code` and `state`. */
  consent(authorizationUrl: string): { code: string; state: string; redirectUri: string } {
    const url = new URL(authorizationUrl);
    const p = url.searchParams;
    if (p.get('client_id') !== this.options.clientId) throw new Error('consent: unknown client_id');
    if (p.get('response_type') !== 'code') throw new Error('consent: response_type must be code');
    const redirectUri = p.get('redirect_uri');
    if (!redirectUri) throw new Error('consent: redirect_uri missing');
    const scope = p.get('scope') ?? '';
    if (!scope.includes('https://www.googleapis.com/auth/calendar'))
      throw new Error('consent: no calendar scope');
    const code = `4/${randomBytes(12).toString('base64url')}`;
    this.codes.set(code, { redirectUri, scope });
    return { code, state: p.get('state') ?? '', redirectUri };
  }

  /** Accepts assertions signed by this service account's key (its JSON's `private_key`). */
  registerServiceAccount(clientEmail: string, publicKeyPem: string): void {
    this.serviceAccounts.set(clientEmail, createPublicKey(publicKeyPem));
  }

  /** The user removed the app's access: refresh tokens answer `invalid_grant`, access tokens 401. */
  revokeAll(): void {
    for (const t of this.refreshTokens.values()) t.revoked = true;
    this.accessTokens.clear();
  }

  /** Every access token issued so far expires now (the client must refresh). */
  expireAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expiresAt = 0;
  }

  /** Every sync token issued so far answers 410 `fullSyncRequired`. */
  expireSyncTokens(): void {
    this.syncFloor = this.changes + 1;
    this.changes += 1;
  }

  events(calendarId = 'primary'): FakeEvent[] {
    return [...(this.calendars.get(calendarId)?.values() ?? [])].map((s) => s.event);
  }

  /** A person creates an event in Google Calendar. */
  addEvent(calendarId: string, fields: Partial<FakeEvent> & Pick<FakeEvent, 'start' | 'end'>): FakeEvent {
    this.addCalendar(calendarId);
    const id = fields.id ?? randomBytes(10).toString('hex');
    const now = new Date().toISOString();
    const stored: Stored = {
      event: {
        kind: 'calendar#event',
        etag: '',
        status: 'confirmed',
        created: now,
        updated: now,
        sequence: 0,
        ...fields,
        id,
      },
      changedAt: 0,
    };
    this.calendars.get(calendarId)!.set(id, stored);
    this.change(stored, {});
    return stored.event;
  }

  /** A person drags the event to another time. */
  moveEvent(calendarId: string, eventId: string, start: string, end: string): void {
    const s = this.calendars.get(calendarId)?.get(eventId);
    if (!s) throw new Error(`no event ${eventId}`);
    this.change(s, {
      start: { ...s.event.start, dateTime: start },
      end: { ...s.event.end, dateTime: end },
      sequence: s.event.sequence + 1,
    });
  }

  /** A person deletes the event. */
  deleteEvent(calendarId: string, eventId: string): void {
    const s = this.calendars.get(calendarId)?.get(eventId);
    if (!s) throw new Error(`no event ${eventId}`);
    this.change(s, { status: 'cancelled' });
  }

  override reset(): void {
    super.reset();
    this.calendars.clear();
    this.addCalendar('primary');
  }

  // --- OAuth 2.0 token endpoint ---

  private token(req: RecordedRequest): FakeResponse {
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? ''))
      return oauthError('invalid_request', 'Invalid Content-Type');
    const body = (req.body ?? {}) as Record<string, string>;
    const grant = body.grant_type;
    if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') return this.jwtGrant(body.assertion);
    if (body.client_id !== this.options.clientId || body.client_secret !== this.options.clientSecret)
      return oauthError('invalid_client', 'The OAuth client was not found.', 401);
    if (grant === 'authorization_code') {
      const code = this.codes.get(body.code);
      if (!code) return oauthError('invalid_grant', 'Malformed auth code.');
      if (code.redirectUri !== body.redirect_uri) return oauthError('redirect_uri_mismatch', 'Bad Request');
      this.codes.delete(body.code); // codes are single-use
      const refresh = `1//${randomBytes(16).toString('base64url')}`;
      this.refreshTokens.set(refresh, { revoked: false, scope: code.scope });
      return reply.json({ ...this.issue('user'), refresh_token: refresh, scope: code.scope });
    }
    if (grant === 'refresh_token') {
      const refresh = this.refreshTokens.get(body.refresh_token);
      if (!refresh || refresh.revoked)
        return oauthError('invalid_grant', 'Token has been expired or revoked.');
      return reply.json({ ...this.issue('user'), scope: refresh.scope });
    }
    return oauthError('unsupported_grant_type', `Invalid grant_type: ${grant}`);
  }

  private jwtGrant(assertion: string | undefined): FakeResponse {
    const parts = (assertion ?? '').split('.');
    if (parts.length !== 3) return oauthError('invalid_grant', 'Invalid JWT.');
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return oauthError('invalid_grant', 'Invalid JWT.');
    }
    const key = this.serviceAccounts.get(String(claims.iss));
    if (!key) return oauthError('invalid_grant', 'Invalid JWT Signature.');
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      key,
      Buffer.from(parts[2], 'base64url'),
    );
    if (!signed) return oauthError('invalid_grant', 'Invalid JWT Signature.');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now())
      return oauthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token');
    if (
      typeof claims.scope !== 'string' ||
      !claims.scope.includes('https://www.googleapis.com/auth/calendar')
    )
      return oauthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    return reply.json(this.issue(String(claims.sub ?? claims.iss)));
  }

  private issue(subject: string) {
    const ttl = this.options.accessTokenTtlSeconds ?? 3599;
    const token = `ya29.${randomBytes(18).toString('base64url')}`;
    this.accessTokens.set(token, { expiresAt: Date.now() + ttl * 1000, subject });
    return { access_token: token, expires_in: ttl, token_type: 'Bearer' };
  }

  private authed(req: RecordedRequest, handle: () => FakeResponse): FakeResponse {
    const token = this.accessTokens.get(bearer(req) ?? '');
    if (!token || token.expiresAt <= Date.now()) return authError();
    return handle();
  }

  // --- Calendar API ---

  private calendar(req: RecordedRequest): Map<string, Stored> | undefined {
    return this.calendars.get(req.params.calendarId);
  }

  private withEvent(req: RecordedRequest, handle: (s: Stored) => FakeResponse): FakeResponse {
    const s = this.calendar(req)?.get(req.params.eventId);
    if (!s) return googleError(404, 'notFound', 'Not Found');
    if (s.event.status === 'cancelled') {
      if (req.method === 'DELETE') return googleError(410, 'deleted', 'Resource has been deleted');
      if (req.method === 'PATCH') return googleError(404, 'notFound', 'Not Found');
    }
    return handle(s);
  }

  private checkTimes(body: Record<string, any>): FakeResponse | undefined {
    const start = instantOf(body.start as GoogleEventTime);
    const end = instantOf(body.end as GoogleEventTime);
    if (start === undefined) return googleError(400, 'required', 'Missing start time.');
    if (end === undefined) return googleError(400, 'required', 'Missing end time.');
    if (end < start) return googleError(400, 'timeRangeEmpty', 'The specified time range is empty.');
    return undefined;
  }

  private insert(req: RecordedRequest): FakeResponse {
    const cal = this.calendar(req);
    if (!cal) return googleError(404, 'notFound', 'Not Found');
    const body = req.body as Record<string, any>;
    if (!body || typeof body !== 'object') return googleError(400, 'badRequest', 'Bad Request');
    const bad = this.checkTimes(body);
    if (bad) return bad;
    if (body.id !== undefined && (typeof body.id !== 'string' || !EVENT_ID.test(body.id)))
      return googleError(400, 'invalid', 'Invalid resource id value.');
    if (body.id && cal.has(body.id))
      return googleError(409, 'duplicate', 'The requested identifier already exists.');
    const event = this.addEvent(req.params.calendarId, { ...body, start: body.start, end: body.end });
    return reply.json(event);
  }

  private patch(req: RecordedRequest, s: Stored): FakeResponse {
    const body = (req.body ?? {}) as Record<string, any>;
    const merged = { ...s.event, ...body };
    const bad = this.checkTimes(merged);
    if (bad) return bad;
    this.change(s, { ...body, id: s.event.id, sequence: s.event.sequence + 1 });
    return reply.json(s.event);
  }

  private change(s: Stored, fields: Partial<FakeEvent>): void {
    this.changes += 1;
    s.changedAt = this.changes;
    Object.assign(s.event, fields, {
      updated: new Date().toISOString(),
      etag: `"${this.changes}${randomBytes(3).toString('hex')}"`,
    });
  }

  private list(req: RecordedRequest): FakeResponse {
    const cal = this.calendar(req);
    if (!cal) return googleError(404, 'notFound', 'Not Found');
    const q = req.query as Record<string, string>;
    const max = Math.min(Number(q.maxResults ?? 250), 2500);
    let since = 0;
    if (q.syncToken !== undefined) {
      const bad = FORBIDDEN_WITH_SYNC_TOKEN.find((p) => q[p] !== undefined);
      if (bad) return googleError(400, 'invalid', `Parameter ${bad} is not allowed with syncToken.`);
      if (q.showDeleted === 'false')
        return googleError(400, 'invalid', 'showDeleted=false is not allowed with syncToken.');
      const m = /^sync_(\d+)$/.exec(q.syncToken);
      if (!m || Number(m[1]) < this.syncFloor)
        return reply.json(
          {
            error: {
              errors: [
                {
                  domain: 'calendar',
                  reason: 'fullSyncRequired',
                  message: 'Sync token is no longer valid, a full sync is required.',
                  locationType: 'parameter',
                  location: 'syncToken',
                },
              ],
              code: 410,
              message: 'Sync token is no longer valid, a full sync is required.',
            },
          },
          410,
        );
      since = Number(m[1]);
    }
    const timeMin = q.timeMin ? Date.parse(q.timeMin) : undefined;
    const timeMax = q.timeMax ? Date.parse(q.timeMax) : undefined;
    const incremental = q.syncToken !== undefined;
    const all = [...cal.values()]
      .filter((s) =>
        incremental ? s.changedAt > since : q.showDeleted === 'true' || s.event.status !== 'cancelled',
      )
      .filter((s) => timeMax === undefined || instantOf(s.event.start)! < timeMax)
      .filter((s) => timeMin === undefined || instantOf(s.event.end)! > timeMin)
      .sort((a, b) => a.changedAt - b.changedAt);
    const offset = q.pageToken ? Number(Buffer.from(q.pageToken, 'base64url').toString()) : 0;
    const page = all.slice(offset, offset + max);
    const more = offset + max < all.length;
    return reply.json({
      kind: 'calendar#events',
      summary: req.params.calendarId,
      updated: new Date().toISOString(),
      items: page.map((s) => s.event),
      ...(more
        ? { nextPageToken: Buffer.from(String(offset + max)).toString('base64url') }
        : { nextSyncToken: `sync_${this.changes}` }),
    });
  }

  private freeBusy(req: RecordedRequest): FakeResponse {
    const body = (req.body ?? {}) as { timeMin?: string; timeMax?: string; items?: Array<{ id?: string }> };
    if (!body.timeMin) return googleError(400, 'required', 'Missing timeMin.');
    if (!body.timeMax) return googleError(400, 'required', 'Missing timeMax.');
    const min = Date.parse(body.timeMin);
    const max = Date.parse(body.timeMax);
    if (!(max > min)) return googleError(400, 'timeRangeEmpty', 'The specified time range is empty.');
    const calendars: Record<string, unknown> = {};
    for (const item of body.items ?? []) {
      const id = String(item.id);
      const cal = this.calendars.get(id);
      if (!cal) {
        calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
        continue;
      }
      const busy = [...cal.values()]
        .map((s) => s.event)
        .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent')
        .map((e) => ({ start: instantOf(e.start)!, end: instantOf(e.end)! }))
        .filter((b) => b.start < max && b.end > min)
        .sort((a, b) => a.start - b.start)
        .map((b) => ({
          start: new Date(Math.max(b.start, min)).toISOString(),
          end: new Date(Math.min(b.end, max)).toISOString(),
        }));
      calendars[id] = { busy };
    }
    return reply.json({
      kind: 'calendar#freeBusy',
      timeMin: new Date(min).toISOString(),
      timeMax: new Date(max).toISOString(),
      calendars,
    });
  }
}
