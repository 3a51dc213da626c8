// Fake of a self-hosted WAHA (providers.md §4): sendText/sendImage/sendFile, sessions, the contacts
// check-exists lookup that resolves Brazil's 9th digit, and `message.ack` webhooks signed with
// X-Webhook-Hmac. Each engine answers a send in its own shape (WAHA issue #760), switchable here.
// Sessions (§4.3): start/stop, STARTING → SCAN_QR_CODE, the QR as PNG (binary, or base64 JSON when
// asked for JSON), scan() and dropSession() posting `session.status` to sessionWebhook(url).
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';
import { qrLikePng } from './png';

export type WahaEngine = 'WEBJS' | 'NOWEB' | 'GOWS';
export type WahaSessionStatus = 'STOPPED' | 'STARTING' | 'SCAN_QR_CODE' | 'WORKING' | 'FAILED';
export type WahaAck = 'ERROR' | 'PENDING' | 'SERVER' | 'DEVICE' | 'READ' | 'PLAYED';

export interface FakeWahaOptions {
  apiKey: string;
  /** The one session that exists; `default` unless given. */
  session?: string;
  engine?: WahaEngine;
  /** Our own number (digits): `me` of sessions and webhooks. */
  me?: string;
  /** Default key of the webhooks' HMAC; unsigned without one. */
  hmacKey?: string;
}

export interface SentWahaMessage {
  /** Serialized id `true_<chatId>_<hex>`: what `message.ack` carries whatever the engine. */
  id: string;
  chatId: string;
  kind: 'text' | 'image' | 'file';
  text: string | null;
  session: string;
  /** False when sent to a chat id other than the one the number is registered under (accepted, never delivered). */
  deliverable: boolean;
  body: any;
  at: number;
}

const ACKS: Record<WahaAck, number> = { ERROR: -1, PENDING: 0, SERVER: 1, DEVICE: 2, READ: 3, PLAYED: 4 };
const CHAT_ID = /^[\d-]+@(c\.us|g\.us|lid|newsletter)$/;
const digits = (phone: string): string => phone.replace(/\D/g, '');
const hex = (bytes: number): string => randomBytes(bytes).toString('hex').toUpperCase();
/** NestJS's validation answer, as WAHA gives it. */
const badRequest = (...message: string[]): FakeResponse =>
  reply.json({ message, error: 'Bad Request', statusCode: 400 }, 400);

/** `5531992953088` → `553192953088@c.us`: how WhatsApp knows an account made before the 9th digit. */
export function without9th(phone: string): string {
  const d = digits(phone);
  return (/^55\d{2}9\d{8}$/.test(d) ? `${d.slice(0, 4)}${d.slice(5)}` : d) + '@c.us';
}

export class FakeWaha extends FakeServer {
  private sent: SentWahaMessage[] = [];
  private status: WahaSessionStatus = 'WORKING';
  private engine: WahaEngine;
  private empty = false;
  private chats = new Map<string, string | null>();
  /** While STARTING: when the QR is ready (SCAN_QR_CODE). */
  private qrReadyAt = 0;
  private qrRef = randomUUID();
  private hookUrl: string | undefined;

  constructor(private readonly options: FakeWahaOptions) {
    super();
    this.engine = options.engine ?? 'WEBJS';
    this.route('POST', '/api/sendText', (req) => this.guard(req, () => this.send(req, 'text')));
    this.route('POST', '/api/sendImage', (req) => this.guard(req, () => this.send(req, 'image')));
    this.route('POST', '/api/sendFile', (req) => this.guard(req, () => this.send(req, 'file')));
    this.route('GET', '/api/sessions/:session', (req) =>
      this.guard(req, () => this.session(req.params.session) ?? reply.json(this.sessionInfo())),
    );
    this.route('POST', '/api/sessions', (req) => this.guard(req, () => this.create(req)));
    this.route('POST', '/api/sessions/:session/start', (req) =>
      this.guard(req, () => this.session(req.params.session) ?? this.startSession()),
    );
    this.route('POST', '/api/sessions/:session/stop', (req) =>
      this.guard(req, () => this.session(req.params.session) ?? this.stopSession()),
    );
    this.route('GET', '/api/:session/auth/qr', (req) => this.guard(req, () => this.qr(req)));
    this.route('GET', '/api/contacts/check-exists', (req) => this.guard(req, () => this.checkExists(req)));
  }

  get sessionName(): string {
    return this.options.session ?? 'default';
  }

  /** Accepted sends, oldest first. */
  sentMessages(): SentWahaMessage[] {
    return this.sent.map((m) => ({ ...m }));
  }

  /** The shape sends are answered in from now on. */
  useEngine(engine: WahaEngine): void {
    this.engine = engine;
  }

  /** While on, sends answer 201 with an empty body (WEBJS 2025.6.x, WAHA issue #1087). */
  emptyAnswers(on: boolean): void {
    this.empty = on;
  }

  /** The session leaves WORKING: sends and lookups get 422 until connect(). */
  disconnect(status: Exclude<WahaSessionStatus, 'WORKING'> = 'SCAN_QR_CODE'): void {
    this.status = status;
    this.qrReadyAt = Number.POSITIVE_INFINITY; // STARTING stays so
  }

  connect(): void {
    this.status = 'WORKING';
  }

  /** Where `session.status` webhooks go (the session's `config.webhooks`); none when unset. */
  sessionWebhook(url: string | undefined): void {
    this.hookUrl = url;
  }

  /** The session's status now (STARTING turns SCAN_QR_CODE once its QR is ready). */
  get sessionStatus(): WahaSessionStatus {
    if (this.status === 'STARTING' && Date.now() >= this.qrReadyAt) this.status = 'SCAN_QR_CODE';
    return this.status;
  }

  /** The phone scanned the QR: WORKING, and `session.status` posted. Throws when no QR is shown. */
  async scan(): Promise<number | undefined> {
    if (this.sessionStatus !== 'SCAN_QR_CODE') throw new Error(`FakeWaha: no QR to scan (${this.status})`);
    this.status = 'WORKING';
    return this.postStatus();
  }

  /** The phone logged out or lost the session: `status` (SCAN_QR_CODE by default), posted as session.status. */
  async dropSession(
    status: Exclude<WahaSessionStatus, 'WORKING'> = 'SCAN_QR_CODE',
  ): Promise<number | undefined> {
    this.status = status;
    if (status === 'SCAN_QR_CODE') this.qrRef = randomUUID();
    return this.postStatus();
  }

  /** The PNG the QR route answers now. */
  qrPng(): Buffer {
    return qrLikePng(`2@${this.qrRef}`);
  }

  /** check-exists answers this chat id for the number (e.g. without9th(phone) for an old account). */
  registeredAs(phone: string, chatId: string): void {
    this.chats.set(digits(phone), chatId);
  }

  /** check-exists answers `numberExists: false` for the number. */
  notOnWhatsApp(phone: string): void {
    this.chats.set(digits(phone), null);
  }

  override reset(): void {
    super.reset();
    this.sent = [];
    this.status = 'WORKING';
    this.engine = this.options.engine ?? 'WEBJS';
    this.empty = false;
    this.chats.clear();
    this.hookUrl = undefined;
    this.qrReadyAt = 0;
  }

  /** A `message.ack` webhook (§4.4) for a sent message id; returns Ponte's HTTP status. */
  async sendAck(url: string, id: string, ack: WahaAck, opts: { hmacKey?: string } = {}): Promise<number> {
    const sent = this.sent.find((m) => m.id === id);
    const chatId = sent?.chatId ?? /^true_([^_]+)_/.exec(id)?.[1];
    if (!chatId) throw new Error(`FakeWaha: cannot tell the chat of ${id}`);
    // WEBJS reports from us to the chat; the Go and Baileys engines name the chat in `from`.
    const ends = this.engine === 'WEBJS' ? { from: this.meId, to: chatId } : { from: chatId, to: null };
    const payload = { id, ...ends, participant: null, fromMe: true, ack: ACKS[ack], ackName: ack, _data: {} };
    return this.sendWebhook(url, 'message.ack', payload, opts.hmacKey);
  }

  /** Any event in WAHA's envelope, signed when a key is known; returns Ponte's HTTP status. */
  async sendWebhook(
    url: string,
    event: string,
    payload: unknown,
    hmacKey = this.options.hmacKey,
  ): Promise<number> {
    const body = JSON.stringify({
      id: `evt_${randomBytes(13).toString('hex')}`,
      timestamp: Date.now(),
      event,
      session: this.sessionName,
      metadata: {},
      me: { id: this.meId, pushName: 'Ponte Test' },
      payload,
      engine: this.engine,
      environment: { version: '2025.9.1', engine: this.engine, tier: 'PLUS', browser: null },
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'WAHA/2025.9.1',
      'x-webhook-request-id': randomUUID(),
      'x-webhook-timestamp': String(Date.now()),
    };
    if (hmacKey) {
      headers['x-webhook-hmac'] = createHmac('sha512', hmacKey).update(body).digest('hex');
      headers['x-webhook-hmac-algorithm'] = 'sha512';
    }
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers,
      body,
    });
    await res.arrayBuffer();
    return res.status;
  }

  private get meId(): string {
    return `${this.options.me ?? '5531933330000'}@c.us`;
  }

  /** X-Api-Key header (or `?x-api-key=`, which WAHA also takes) on every request (§4.1). */
  private guard(req: RecordedRequest, next: () => FakeResponse): FakeResponse {
    const key = req.headers['x-api-key'] ?? req.query['x-api-key'];
    if (key !== this.options.apiKey) return reply.json({ message: 'Unauthorized', statusCode: 401 }, 401);
    return next();
  }

  /** 404 for an unknown session, 422 for one not WORKING (when `working` is required), else undefined. */
  private session(name: unknown, working = false): FakeResponse | undefined {
    if (name !== this.sessionName) {
      const message = `We didn't find a session with name '${String(name)}'.\nPlease start it first by using POST /api/sessions/${String(name)}/start request`;
      return reply.json({ message, error: 'Not Found', statusCode: 404 }, 404);
    }
    if (!working || this.sessionStatus === 'WORKING') return undefined;
    return reply.json(
      {
        error: 'Session status is not as expected. Try again later or restart the session',
        session: this.sessionName,
        status: this.status,
        expected: ['WORKING'],
      },
      422,
    );
  }

  /** WAHA starts a stopped (or failed) session: STARTING, then SCAN_QR_CODE; a running one is 422. */
  private startSession(): FakeResponse {
    if (this.sessionStatus !== 'STOPPED' && this.status !== 'FAILED')
      return reply.json(
        {
          message: `Session '${this.sessionName}' is already started.`,
          error: 'Unprocessable Entity',
          statusCode: 422,
        },
        422,
      );
    this.status = 'STARTING';
    this.qrReadyAt = Date.now() + 50;
    this.qrRef = randomUUID();
    void this.postStatus();
    return reply.json(this.sessionInfo(), 201);
  }

  private create(req: RecordedRequest): FakeResponse {
    const name = req.body?.name ?? 'default';
    if (name !== this.sessionName) return badRequest(`this fake has one session, ${this.sessionName}`);
    return reply.json({ message: `Session '${name}' already exists`, statusCode: 422 }, 422);
  }

  private stopSession(): FakeResponse {
    this.status = 'STOPPED';
    void this.postStatus();
    return reply.json(this.sessionInfo(), 201);
  }

  /** `?format=image`: PNG bytes, or `{mimetype, data}` (base64) when JSON is asked for; raw: the string. */
  private qr(req: RecordedRequest): FakeResponse {
    const refused = this.session(req.params.session);
    if (refused) return refused;
    if (this.sessionStatus !== 'SCAN_QR_CODE')
      return reply.json(
        {
          error: 'Session status is not as expected. Try again later or restart the session',
          session: this.sessionName,
          status: this.status,
          expected: ['SCAN_QR_CODE'],
        },
        422,
      );
    if (req.query.format === 'raw') return reply.json({ value: `2@${this.qrRef}` });
    const png = this.qrPng();
    if (/application\/json/i.test(req.headers.accept ?? ''))
      return reply.json({ mimetype: 'image/png', data: png.toString('base64') });
    return { status: 200, headers: { 'content-type': 'image/png' }, body: png };
  }

  private async postStatus(): Promise<number | undefined> {
    if (!this.hookUrl) return undefined;
    return this.sendWebhook(this.hookUrl, 'session.status', { status: this.status });
  }

  private sessionInfo(): Record<string, unknown> {
    const me = this.sessionStatus === 'WORKING' ? { id: this.meId, pushName: 'Ponte Test' } : null;
    return {
      name: this.sessionName,
      status: this.sessionStatus,
      config: {},
      me,
      engine: { engine: this.engine },
    };
  }

  private checkExists(req: RecordedRequest): FakeResponse {
    const phone = req.query.phone;
    if (typeof phone !== 'string' || !/^\+?\d{8,15}$/.test(phone))
      return badRequest('phone must be a string');
    const refused = this.session(req.query.session ?? 'default', true);
    if (refused) return refused;
    const known = this.chats.get(digits(phone));
    if (known === null) return reply.json({ numberExists: false, chatId: null });
    return reply.json({ numberExists: true, chatId: known ?? `${digits(phone)}@c.us` });
  }

  private send(req: RecordedRequest, kind: SentWahaMessage['kind']): FakeResponse {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return badRequest('Content-Type must be application/json');
    const b: Record<string, any> = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const problems: string[] = [];
    if (typeof b.session !== 'string') problems.push('session must be a string');
    if (typeof b.chatId !== 'string' || !CHAT_ID.test(b.chatId))
      problems.push('chatId must look like 5511999999999@c.us');
    if (kind === 'text' && (typeof b.text !== 'string' || b.text === ''))
      problems.push('text must be a string');
    if (kind !== 'text') {
      const file = b.file;
      if (
        typeof file !== 'object' ||
        file === null ||
        (typeof file.url !== 'string' && typeof file.data !== 'string')
      )
        problems.push('file must contain url or data');
      else if (typeof file.mimetype !== 'string') problems.push('file.mimetype must be a string');
    }
    if (problems.length) return badRequest(...problems);
    const refused = this.session(b.session, true);
    if (refused) return refused;

    const chatId: string = b.chatId;
    const key = `3EB0${hex(9)}`;
    const id = `true_${chatId}_${key}`;
    const registered = this.chats.get(chatId.split('@')[0]);
    const text = kind === 'text' ? b.text : typeof b.caption === 'string' ? b.caption : null;
    const deliverable = registered === undefined || registered === chatId;
    this.sent.push({ id, chatId, kind, text, session: b.session, deliverable, body: b, at: Date.now() });
    if (this.empty) return { status: 201, headers: {} };
    return reply.json(this.answer(id, key, chatId, kind, text), 201);
  }

  /** The engine's own answer to a send (§4.2). */
  private answer(id: string, key: string, chatId: string, kind: string, text: string | null): unknown {
    const seconds = Math.floor(Date.now() / 1000);
    if (this.engine === 'NOWEB') {
      const jid = chatId.replace(/@c\.us$/, '@s.whatsapp.net');
      const message =
        kind === 'text'
          ? { extendedTextMessage: { text } }
          : { [`${kind === 'image' ? 'image' : 'document'}Message`]: { caption: text } };
      return {
        key: { remoteJid: jid, fromMe: true, id: key },
        message,
        messageTimestamp: String(seconds),
        status: 'PENDING',
      };
    }
    if (this.engine === 'GOWS') {
      return {
        id,
        _data: { Info: { ID: key, Chat: chatId.replace(/@c\.us$/, '@s.whatsapp.net'), IsFromMe: true } },
      };
    }
    const idObject = { fromMe: true, remote: chatId, id: key, _serialized: id };
    const data = {
      id: idObject,
      body: text ?? '',
      type: kind === 'text' ? 'chat' : kind,
      t: seconds,
      from: this.meId,
      to: chatId,
      ack: 0,
    };
    return {
      _data: data,
      id: idObject,
      ack: 0,
      hasMedia: kind !== 'text',
      body: text ?? '',
      type: data.type,
      timestamp: seconds,
      from: this.meId,
      to: chatId,
      fromMe: true,
    };
  }
}
