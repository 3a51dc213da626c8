// Fake Bitrix24 portal and its OAuth server (providers.md §5, business-br.md §10), one process-local
// HTTP server. It checks what Bitrix24 checks: client credentials on the token endpoint, codes that
// work once and live 30 s, access tokens that expire (`expired_token`), refresh tokens that rotate
// (a used one is `invalid_grant`), the token on every REST call, the required fields of the methods
// Ponte uses, `batch` (≤ 50 commands, `method?query` strings), and the request rate: more than
// `perSecond` arrivals for the portal within any second → 503 QUERY_LIMIT_EXCEEDED. It posts events
// as Bitrix24 does: form-encoded with PHP-bracket keys and auth[application_token].
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'qs';
import { FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';

export interface FakeBitrix24Options {
  clientId: string;
  clientSecret: string;
  memberId?: string;
  applicationToken?: string;
  /** Requests per rolling second the portal takes (Bitrix24: 2). */
  perSecond?: number;
  accessTokenTtlSeconds?: number;
}

type Fields = Record<string, any>;
export interface FakeEntity {
  ID: string;
  fields: Fields;
}

const b24Error = (error: string, description: string, status = 400) =>
  reply.json({ error, error_description: description }, status);
const digits = (v: unknown) =>
  (typeof v === 'string' || typeof v === 'number' ? String(v) : '').replace(/\D/g, '');

class MethodError extends Error {
  constructor(
    readonly error: string,
    readonly status = 400,
  ) {
    super(error);
  }
}

export class FakeBitrix24 extends FakeServer {
  readonly memberId: string;
  readonly applicationToken: string;
  private codes = new Map<string, number>();
  private accessTokens = new Map<string, number>();
  private refreshTokens = new Set<string>();
  private refreshes = 0;
  private arrivalsAt: number[] = [];
  private limited = 0;
  readonly contacts: FakeEntity[] = [];
  readonly leads: FakeEntity[] = [];
  /** Every call of a REST method (batch sub-calls included), with its params. */
  readonly calls: Array<{ method: string; params: Fields }> = [];
  readonly bindings: Array<{ event: string; handler: string }> = [];
  private nextId = 100;
  private nextChat = 1800;

  constructor(private readonly options: FakeBitrix24Options) {
    super();
    this.memberId = options.memberId ?? randomBytes(16).toString('hex');
    this.applicationToken = options.applicationToken ?? randomBytes(16).toString('hex');
    this.route('GET', '/oauth/token/', (req) => this.token(req));
    this.route('POST', '/rest/:method', (req) => this.rest(req));
  }

  /** What the administrator's consent yields: a code for the redirect (one use, 30 s). */
  authorize(): string {
    const code = randomBytes(12).toString('hex');
    this.codes.set(code, Date.now() + 30_000);
    return code;
  }

  /** Every access token issued so far stops working now (as if an hour had passed). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.keys()) this.accessTokens.set(token, 0);
  }

  /** The app was uninstalled or the grant revoked: refresh tokens are refused from now on. */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  refreshCount(): number {
    return this.refreshes;
  }

  /** How many REST requests were refused with QUERY_LIMIT_EXCEEDED. */
  limitedCount(): number {
    return this.limited;
  }

  /** The most REST requests that arrived within any one second. */
  maxPerSecond(): number {
    let max = 0;
    for (let i = 0, j = 0; i < this.arrivalsAt.length; i++) {
      while (this.arrivalsAt[i] - this.arrivalsAt[j] >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  callsOf(method: string): Fields[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }

  /** An event as Bitrix24 posts it to a handler: form-encoded, PHP-bracket keys. */
  async postEvent(url: string, event: string, data: Fields, auth: Fields = {}): Promise<number> {
    const body = stringify(
      {
        event,
        event_handler_id: '555',
        data,
        ts: String(Math.floor(Date.now() / 1000)),
        auth: {
          domain: new URL(this.url).host,
          client_endpoint: `${this.url}/rest/`,
          server_endpoint: `${this.url}/oauth/`,
          member_id: this.memberId,
          application_token: this.applicationToken,
          ...auth,
        },
      },
      { encodeValuesOnly: true },
    );
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return res.status;
  }

  /**
   * The app installed on the portal: Bitrix24 posts ONAPPINSTALL to the app's handler with a fresh
   * grant in `auth[...]` (the tokens work on /rest/ like any others). Answers the handler's reply.
   */
  async install(handlerUrl: string, auth: Fields = {}): Promise<{ status: number; body: string }> {
    const g = this.grant();
    const res = await this.form(handlerUrl, {
      event: 'ONAPPINSTALL',
      data: { VERSION: '1', ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'br' },
      ts: String(Math.floor(Date.now() / 1000)),
      auth: {
        access_token: g.access_token,
        expires: String(g.expires),
        expires_in: String(g.expires_in),
        scope: g.scope,
        domain: new URL(this.url).host,
        server_endpoint: g.server_endpoint,
        status: 'L',
        client_endpoint: g.client_endpoint,
        member_id: this.memberId,
        user_id: '1',
        refresh_token: g.refresh_token,
        application_token: this.applicationToken,
        ...auth,
      },
    });
    return res;
  }

  /** A local app's install placement: the handler opened in the portal's frame, the grant as form fields. */
  openInstallPlacement(handlerUrl: string): Promise<{ status: number; body: string }> {
    const g = this.grant();
    return this.form(handlerUrl, {
      DOMAIN: new URL(this.url).host,
      PROTOCOL: this.url.startsWith('https:') ? '1' : '0',
      LANG: 'br',
      APP_SID: randomBytes(16).toString('hex'),
      AUTH_ID: g.access_token,
      AUTH_EXPIRES: String(g.expires_in),
      REFRESH_ID: g.refresh_token,
      member_id: this.memberId,
      status: 'L',
      PLACEMENT: 'DEFAULT',
      PLACEMENT_OPTIONS: '{}',
    });
  }

  /** The app removed from the portal: ONAPPUNINSTALL, no OAuth tokens, only application_token. */
  async uninstall(handlerUrl: string, auth: Fields = {}): Promise<{ status: number; body: string }> {
    this.revokeRefreshTokens();
    this.accessTokens.clear();
    return this.form(handlerUrl, {
      event: 'ONAPPUNINSTALL',
      data: { CLEAN: '0', LANGUAGE_ID: 'br' },
      ts: String(Math.floor(Date.now() / 1000)),
      auth: {
        domain: new URL(this.url).host,
        server_endpoint: `${this.url}/oauth/`,
        status: 'L',
        client_endpoint: `${this.url}/rest/`,
        member_id: this.memberId,
        application_token: this.applicationToken,
        ...auth,
      },
    });
  }

  private async form(url: string, fields: Fields): Promise<{ status: number; body: string }> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: stringify(fields, { encodeValuesOnly: true }),
    });
    return { status: res.status, body: await res.text() };
  }

  postInstall(url: string): Promise<number> {
    return this.postEvent(url, 'ONAPPINSTALL', { VERSION: '1', LANGUAGE_ID: 'br' });
  }

  /** An operator's reply in an Open Channel chat (providers.md §5.5). */
  postAgentReply(
    url: string,
    reply: {
      line: string;
      chatId: string;
      messageId: string;
      userId: string;
      text: string;
      connector?: string;
    },
  ): Promise<number> {
    return this.postEvent(url, 'ONIMCONNECTORMESSAGEADD', {
      CONNECTOR: reply.connector ?? 'ponte_whatsapp',
      LINE: reply.line,
      MESSAGES: [
        {
          im: { chat_id: reply.chatId, message_id: reply.messageId },
          message: { user_id: '27', text: reply.text },
          chat: { id: reply.userId },
        },
      ],
    });
  }

  override reset(): void {
    super.reset();
    this.arrivalsAt = [];
    this.limited = 0;
    this.calls.length = 0;
  }

  private token(req: RecordedRequest): FakeResponse {
    const q = req.query as Record<string, string>;
    if (q.client_id !== this.options.clientId || q.client_secret !== this.options.clientSecret)
      return b24Error('invalid_client', 'Invalid client', 401);
    if (q.grant_type === 'authorization_code') {
      const until = this.codes.get(q.code);
      this.codes.delete(q.code);
      if (!until || until < Date.now()) return b24Error('invalid_grant', 'Invalid authorization code');
      return this.issue();
    }
    if (q.grant_type === 'refresh_token') {
      if (!this.refreshTokens.delete(q.refresh_token))
        return b24Error('invalid_grant', 'Invalid refresh token');
      this.refreshes++;
      return this.issue();
    }
    return b24Error('unsupported_grant_type', 'Unsupported grant type');
  }

  private issue(): FakeResponse {
    return reply.json(this.grant());
  }

  /** A new access and refresh token pair, as the OAuth server answers it. */
  private grant() {
    const access = randomBytes(16).toString('hex');
    const refresh = randomBytes(16).toString('hex');
    const ttl = this.options.accessTokenTtlSeconds ?? 3600;
    this.accessTokens.set(access, Date.now() + ttl * 1000);
    this.refreshTokens.add(refresh);
    return {
      access_token: access,
      expires: Math.floor(Date.now() / 1000) + ttl,
      expires_in: ttl,
      scope: 'crm,imopenlines,imconnector,im',
      domain: 'oauth.bitrix.info',
      server_endpoint: `${this.url}/oauth/`,
      status: 'L',
      client_endpoint: `${this.url}/rest/`,
      member_id: this.memberId,
      user_id: 1,
      refresh_token: refresh,
    };
  }

  private rest(req: RecordedRequest): FakeResponse {
    const now = req.receivedAt;
    this.arrivalsAt.push(now);
    const perSecond = this.options.perSecond ?? 2;
    if (this.arrivalsAt.filter((t) => now - t < 1000).length > perSecond) {
      this.limited++;
      return b24Error('QUERY_LIMIT_EXCEEDED', 'Too many requests', 503);
    }
    const params: Fields =
      req.body && typeof req.body === 'object'
        ? req.headers['content-type']?.startsWith('application/json')
          ? req.body
          : parse(req.rawBody.toString('utf8'), { depth: 10 })
        : {};
    const token = params.auth ?? (req.query as Record<string, string>).auth;
    if (!token) return b24Error('NO_AUTH_FOUND', 'Wrong authorization data', 401);
    const expiresAt = this.accessTokens.get(String(token));
    if (expiresAt === undefined)
      return b24Error('invalid_token', 'The access token provided is invalid', 401);
    if (expiresAt < Date.now())
      return b24Error('expired_token', 'The access token provided has expired', 401);
    const method = req.params.method.replace(/\.json$/, '');
    try {
      return reply.json({ result: this.run(method, params), time: { start: now / 1000 } });
    } catch (err) {
      if (err instanceof MethodError) return b24Error(err.error, err.message, err.status);
      throw err;
    }
  }

  private run(method: string, params: Fields): unknown {
    if (method === 'batch') return this.batch(params);
    this.calls.push({ method, params });
    switch (method) {
      case 'app.info':
        return { ID: 1, CODE: this.options.clientId, STATUS: 'L', INSTALLED: true };
      case 'crm.contact.list':
        return this.list(this.contacts, params);
      case 'crm.lead.list':
        return this.list(this.leads, params);
      case 'crm.contact.add':
        return this.add(this.contacts, params);
      case 'crm.lead.add':
        return this.add(this.leads, params);
      case 'crm.lead.update': {
        const lead = this.leads.find((l) => l.ID === String(params.id));
        if (!lead) throw new MethodError('ERROR_CORE', 400);
        Object.assign(lead.fields, params.fields);
        return true;
      }
      case 'imconnector.register':
        if (!params.ID || !params.NAME || !params.ICON?.DATA_IMAGE) throw new MethodError('ERROR_ARGUMENT');
        return true;
      case 'imconnector.activate':
      case 'imconnector.connector.data.set':
        if (!params.CONNECTOR || !params.LINE) throw new MethodError('ERROR_ARGUMENT');
        return true;
      case 'event.bind':
        if (!/^OnImConnector/i.test(String(params.event ?? '')))
          throw new MethodError('ERROR_EVENT_NOT_FOUND');
        if (!this.bindings.some((b) => b.event === params.event && b.handler === params.handler))
          this.bindings.push({ event: params.event, handler: params.handler });
        return true;
      case 'imconnector.send.messages':
        return this.sendMessages(params);
      case 'imconnector.send.status.delivery':
      case 'imconnector.send.status.reading':
        for (const m of params.MESSAGES ?? [])
          if (!m.im?.chat_id || !m.im?.message_id || !Array.isArray(m.message?.id))
            throw new MethodError('ERROR_ARGUMENT');
        return { SUCCESS: true, DATA: [] };
      case 'im.message.add':
        if (!params.DIALOG_ID || !params.MESSAGE) throw new MethodError('ERROR_ARGUMENT');
        return this.nextId++;
      default:
        throw new MethodError('ERROR_METHOD_NOT_FOUND', 404);
    }
  }

  private batch(params: Fields): unknown {
    const cmd = (params.cmd ?? {}) as Record<string, string>;
    if (Object.keys(cmd).length > 50) throw new MethodError('ERROR_BATCH_LENGTH_EXCEEDED');
    const result: Record<string, unknown> = {};
    const errors: Record<string, unknown> = {};
    for (const [key, line] of Object.entries(cmd)) {
      const [method, query = ''] = String(line).split('?');
      if (method === 'batch') throw new MethodError('ERROR_BATCH_METHOD_NOT_ALLOWED');
      try {
        result[key] = this.run(method, parse(query, { depth: 10 }));
      } catch (err) {
        if (!(err instanceof MethodError)) throw err;
        errors[key] = { error: err.error, error_description: err.message };
      }
    }
    return {
      result,
      result_error: Object.keys(errors).length ? errors : [],
      result_total: [],
      result_next: [],
    };
  }

  private list(items: FakeEntity[], params: Fields): unknown {
    const filter = (params.filter ?? {}) as Fields;
    return items
      .filter((item) =>
        Object.entries(filter).every(([field, value]) => {
          const own = item.fields[field];
          if (Array.isArray(own))
            return own.some((v: Fields) =>
              field === 'PHONE' ? digits(v.VALUE) === digits(value) : v.VALUE === value,
            );
          return String(own) === String(value);
        }),
      )
      .map((item) => ({ ID: item.ID }));
  }

  private add(items: FakeEntity[], params: Fields): number {
    if (!params.fields || typeof params.fields !== 'object')
      throw new MethodError("Parameter 'fields' must be array.");
    const id = this.nextId++;
    items.push({ ID: String(id), fields: params.fields });
    return id;
  }

  private sendMessages(params: Fields): unknown {
    if (!params.CONNECTOR || !params.LINE || !Array.isArray(params.MESSAGES))
      throw new MethodError('IMCONNECTOR_NOT_ALL_THE_REQUIRED_DATA');
    const results = (params.MESSAGES as Fields[]).map((m) => {
      if (
        !m.user?.id ||
        !m.message?.id ||
        !m.message?.date ||
        !m.chat?.id ||
        !(m.message.text || m.message.files)
      )
        throw new MethodError('IMCONNECTOR_NOT_ALL_THE_REQUIRED_DATA');
      return {
        SUCCESS: true,
        session: { ID: String(this.nextId++), CHAT_ID: String(this.chatFor(m.chat.id)) },
      };
    });
    return { SUCCESS: true, DATA: { RESULT: results } };
  }

  private chats = new Map<string, number>();
  private chatFor(externalChat: string): number {
    if (!this.chats.has(externalChat)) this.chats.set(externalChat, this.nextChat++);
    return this.chats.get(externalChat)!;
  }
}
