// Fake of Z-API (providers.md §3): the send-* methods Ponte uses, the instance status, and the
// webhooks Z-API would POST back (MessageStatusCallback, DeliveryCallback). Z-API signs nothing: the
// webhook URL carries Ponte's `?token=`, so the fake posts to whatever URL it is given. The
// instance's session: `/qr-code/image` (base64 PNG while not connected), `/restart`, `/disconnect`,
// scan() and dropSession() posting ConnectedCallback / DisconnectedCallback to sessionWebhook(url).
import { randomBytes } from 'node:crypto';
import { FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';
import { qrLikePng } from './png';

export interface FakeZapiOptions {
  instanceId: string;
  /** The instance token, in every path. */
  token: string;
  /** The account security token, required as the `Client-Token` header. */
  clientToken: string;
}

export type ZapiMethod = 'send-text' | 'send-button-list' | 'send-image' | 'send-document' | 'send-link';
/** §3.7: RECEIVED is delivered; READ_BY_ME is our own operator reading; PLAYED a voice note heard. */
export type ZapiStatus = 'SENT' | 'RECEIVED' | 'READ' | 'READ_BY_ME' | 'PLAYED';

export interface SentZapiMessage {
  zaapId: string;
  /** WhatsApp's id: what status callbacks list in `ids`. */
  messageId: string;
  method: ZapiMethod;
  /** `pdf` for `send-document/pdf`. */
  extension?: string;
  phone: string;
  /** The whole JSON body. */
  body: any;
  at: number;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex').toUpperCase();
const err = (error: string, status = 400): FakeResponse => reply.json({ error }, status);
const text = (x: unknown): x is string => typeof x === 'string' && x.trim() !== '';
const PHONE = /^\d{10,15}$|^\d+-group$/;

/** Per method: why the body is refused, as Z-API words it, or undefined. */
const CHECKS: Record<ZapiMethod, (b: Record<string, any>) => string | undefined> = {
  'send-text': (b) => (text(b.message) ? undefined : 'message is required'),
  'send-image': (b) => (text(b.image) ? undefined : 'image is required'),
  'send-document': (b) => (text(b.document) ? undefined : 'document is required'),
  'send-button-list': (b) => {
    if (!text(b.message)) return 'message is required';
    const buttons: unknown = b.buttonList?.buttons;
    if (!Array.isArray(buttons) || buttons.length === 0) return 'buttonList.buttons is required';
    for (const button of buttons as Array<Record<string, unknown>>) {
      if (!text(button?.label)) return 'buttonList.buttons[].label is required';
      if (button.label.length > 20) return 'buttonList.buttons[].label must have at most 20 characters';
      if (typeof button.id === 'string' && button.id.length > 256)
        return 'buttonList.buttons[].id is too long';
    }
    return undefined;
  },
  'send-link': (b) => {
    for (const field of ['message', 'image', 'linkUrl', 'title', 'linkDescription'])
      if (!text(b[field])) return `${field} is required`;
    return b.message.trim().endsWith(b.linkUrl) ? undefined : 'message must end with linkUrl';
  },
};

export class FakeZapi extends FakeServer {
  private sent: SentZapiMessage[] = [];
  private connected = true;
  private failures = new Map<string, { status: number; error: string }>();
  private qrRef = hex(8);
  private hookUrl: string | undefined;

  constructor(private readonly options: FakeZapiOptions) {
    super();
    const base = '/instances/:instanceId/token/:token';
    for (const method of ['send-text', 'send-button-list', 'send-image', 'send-link'] as const)
      this.route('POST', `${base}/${method}`, (req) => this.guard(req, () => this.send(req, method)));
    this.route('POST', `${base}/send-document/:extension`, (req) =>
      this.guard(req, () => this.send(req, 'send-document', req.params.extension)),
    );
    this.route('GET', `${base}/status`, (req) =>
      this.guard(req, () =>
        reply.json({
          connected: this.connected,
          error: this.connected ? 'You are already connected.' : 'You are not connected.',
          smartphoneConnected: this.connected,
        }),
      ),
    );
    this.route('GET', `${base}/qr-code/image`, (req) => this.guard(req, () => this.qr()));
    this.route('GET', `${base}/restart`, (req) => this.guard(req, () => reply.json({ value: true })));
    this.route('GET', `${base}/disconnect`, (req) =>
      this.guard(req, () => {
        this.connected = false;
        this.qrRef = hex(8);
        return reply.json({ value: true });
      }),
    );
  }

  /** Where the connected/disconnected webhooks go (`update-webhook-connected|disconnected`). */
  sessionWebhook(url: string | undefined): void {
    this.hookUrl = url;
  }

  /** The phone scanned the QR: connected, ConnectedCallback posted. Throws when already connected. */
  async scan(): Promise<number | undefined> {
    if (this.connected) throw new Error('FakeZapi: already connected, no QR to scan');
    this.connected = true;
    if (!this.hookUrl) return undefined;
    return this.post(this.hookUrl, {
      type: 'ConnectedCallback',
      instanceId: this.options.instanceId,
      connected: true,
      momment: Date.now(),
      phone: '5531933330000',
    });
  }

  /** The phone lost the session: not connected, DisconnectedCallback (documented shape) posted. */
  async dropSession(): Promise<number | undefined> {
    this.connected = false;
    this.qrRef = hex(8);
    if (!this.hookUrl) return undefined;
    return this.post(this.hookUrl, {
      momment: Date.now(),
      error: 'Device has been disconnected',
      disconnected: true,
      type: 'DisconnectedCallback',
    });
  }

  /** The PNG `/qr-code/image` answers now (base64 in `value`). */
  qrPng(): Buffer {
    return qrLikePng(`2@${this.qrRef}`);
  }

  /** Accepted sends, oldest first. */
  sentMessages(): SentZapiMessage[] {
    return this.sent.map((m) => ({ ...m }));
  }

  /** The phone lost its session: sends fail (until connect()) and `/status` says not connected. */
  disconnect(): void {
    this.connected = false;
  }

  connect(): void {
    this.connected = true;
  }

  /** Every send to this number (digits, `+` ignored) answers `status` with `{error}`. */
  permanentFailureFor(phone: string, error = 'Phone number does not exist', status = 400): void {
    this.failures.set(phone.replace(/\D/g, ''), { status, error });
  }

  override reset(): void {
    super.reset();
    this.sent = [];
    this.connected = true;
    this.failures.clear();
    this.hookUrl = undefined;
  }

  /** A MessageStatusCallback (§3.7) for one or more messageIds; returns Ponte's HTTP status. */
  async sendStatus(
    url: string,
    ids: string | string[],
    status: ZapiStatus,
    opts: { phone?: string; momment?: number } = {},
  ): Promise<number> {
    const list = [ids].flat();
    const phone = opts.phone ?? this.sent.find((m) => m.messageId === list[0])?.phone;
    if (!phone) throw new Error(`FakeZapi: unknown messageId ${list[0]}; pass opts.phone`);
    return this.post(url, {
      instanceId: this.options.instanceId,
      status,
      ids: list,
      momment: opts.momment ?? Date.now(),
      phoneDevice: 0,
      phone,
      type: 'MessageStatusCallback',
      isGroup: false,
    });
  }

  /** A DeliveryCallback (§3.8): Z-API handed the queued message to WhatsApp, or failed to. */
  async sendDelivery(url: string, messageId: string, opts: { error?: string } = {}): Promise<number> {
    const sent = this.sent.find((m) => m.messageId === messageId);
    const body: Record<string, unknown> = {
      phone: sent?.phone ?? '5511999999999',
      zaapId: sent?.zaapId ?? hex(16),
      messageId,
      type: 'DeliveryCallback',
      instanceId: this.options.instanceId,
    };
    if (opts.error) body.error = opts.error;
    return this.post(url, body);
  }

  /** POSTs a webhook body as Z-API does: JSON, no signature. */
  async post(url: string, body: Record<string, unknown>): Promise<number> {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'application/json', 'user-agent': 'Z-API' },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  }

  private qr(): FakeResponse {
    if (this.connected) return reply.json({ connected: true, error: 'You are already connected.' });
    return reply.json({ value: `data:image/png;base64,${this.qrPng().toString('base64')}` });
  }

  /** Instance and token in the path, then the Client-Token header (§3.1). */
  private guard(req: RecordedRequest, next: () => FakeResponse): FakeResponse {
    const { instanceId, token } = req.params;
    if (instanceId !== this.options.instanceId || token !== this.options.token)
      return err('Instance not found', 404);
    const clientToken = req.headers['client-token'];
    if (clientToken === undefined) return err('null not allowed');
    if (clientToken !== this.options.clientToken) return err(`Client-Token ${clientToken} not allowed`, 401);
    return next();
  }

  private send(req: RecordedRequest, method: ZapiMethod, extension?: string): FakeResponse {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return err('Content-Type must be application/json', 415);
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return err('Invalid body');
    const b = body as Record<string, any>;
    if (!text(b.phone)) return err('phone is required');
    if (!PHONE.test(b.phone)) return err('phone must contain only digits (DDI DDD NUMBER)');
    const invalid = CHECKS[method](b);
    if (invalid) return err(invalid);
    if (!this.connected) return err('You are not connected.');
    const failure = this.failures.get(b.phone);
    if (failure) return err(failure.error, failure.status);
    const messageId = hex(10);
    const zaapId = hex(16);
    this.sent.push({ zaapId, messageId, method, extension, phone: b.phone, body: b, at: Date.now() });
    return reply.json({ zaapId, messageId, id: messageId });
  }
}
