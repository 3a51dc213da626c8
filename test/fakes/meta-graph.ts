// Fake of the Meta WhatsApp Cloud API (Graph API) send endpoint, plus the signed webhooks Meta would POST
// back (statuses, inbound messages). Shapes and codes follow providers.md §1; strict on purpose, so that a
// malformed request from Ponte fails here as it would against graph.facebook.com.
import { createHmac } from 'node:crypto';
import { bearer, FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';
import {
  digits,
  isObject,
  metaAsyncError,
  metaError,
  metaJson,
  newWamid,
  nonEmpty,
  validate,
} from './meta-wire';

export interface FakeMetaGraphOptions {
  accessToken: string;
  phoneNumberId: string;
  /** Default signing secret of the webhooks, when a target does not give its own. */
  appSecret?: string;
  wabaId?: string;
  displayPhoneNumber?: string;
}

export type MetaMessageType = 'text' | 'template' | 'image' | 'document' | 'interactive';
export type MetaStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface SentMetaMessage {
  wamid: string;
  /** `to` exactly as sent (a leading `+` is allowed). */
  to: string;
  /** The wa_id answered in `contacts[0]`. */
  waId: string;
  type: MetaMessageType;
  version: string;
  phoneNumberId: string;
  /** The whole JSON body. */
  body: any;
  at: number;
}

export interface WebhookTarget {
  url: string;
  /** Falls back to the constructor's appSecret. */
  appSecret?: string;
}

export interface StatusOptions {
  errorCode?: number;
  /** recipient_id; defaults to the wa_id of the sent message with that wamid. */
  recipient?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
}

export interface InboundText {
  from: string;
  text: string;
  id?: string;
  name?: string;
  timestamp?: number;
  /** The wamid being replied to (`context.id`). */
  replyTo?: string;
}

const TYPES: readonly string[] = ['text', 'template', 'image', 'document', 'interactive'];
const WAMID = /^wamid\.[A-Za-z0-9+/=_-]+$/;

export class FakeMetaGraph extends FakeServer {
  private sent: SentMetaMessage[] = [];
  private reads: string[] = [];
  private failures = new Map<string, number>();
  private waIds = new Map<string, string>();
  private windowClosed = false;
  private perSecond?: number;
  private acceptedAt: number[] = [];

  constructor(private readonly options: FakeMetaGraphOptions) {
    super();
    this.route('POST', '/:version/:phoneNumberId/messages', (req) => this.messages(req));
    // The phone number node: what a credentials check reads.
    this.route('GET', '/:version/:phoneNumberId', (req) => {
      if (bearer(req) !== this.options.accessToken) return metaError(190);
      if (req.params.phoneNumberId !== this.options.phoneNumberId) return metaError(100);
      return reply.json({
        id: this.options.phoneNumberId,
        display_phone_number: this.options.displayPhoneNumber ?? '+55 31 3333-0000',
        verified_name: 'Ponte Test',
        quality_rating: 'GREEN',
      });
    });
  }

  /** Accepted sends, oldest first. */
  sentMessages(): SentMetaMessage[] {
    return [...this.sent];
  }

  /** message_ids of accepted mark-as-read calls. */
  markedRead(): string[] {
    return [...this.reads];
  }

  /** Every send to this number fails synchronously with `code` (131026, 131047, 131030...). */
  permanentFailureFor(to: string, code: number): void {
    this.failures.set(digits(to), code);
  }

  /** Answers `wa_id` for `input` (Brazil: an old account registered without the 9th digit). */
  waIdFor(input: string, waId: string): void {
    this.waIds.set(digits(input), waId);
  }

  /** While on, every non-template send fails with a synchronous 400 131047 (the async mode: sendStatus). */
  windowClosedSync(on: boolean): void {
    this.windowClosed = on;
  }

  /** Accepts at most `n` sends per rolling second, then 130429; undefined lifts the limit. */
  rateLimitAfter(n: number | undefined): void {
    this.perSecond = n;
  }

  override reset(): void {
    super.reset();
    this.sent = [];
    this.reads = [];
    this.failures.clear();
    this.waIds.clear();
    this.windowClosed = false;
    this.perSecond = undefined;
    this.acceptedAt = [];
  }

  /** A status webhook (§1.4.2) for a sent wamid; returns the HTTP status Ponte answered. */
  async sendStatus(
    target: WebhookTarget,
    wamid: string,
    status: MetaStatus,
    opts: StatusOptions = {},
  ): Promise<number> {
    const sent = this.sent.find((m) => m.wamid === wamid);
    const recipient = opts.recipient ?? sent?.waId;
    if (!recipient) throw new Error(`FakeMetaGraph: unknown wamid ${wamid}; pass opts.recipient`);
    const item: Record<string, unknown> = {
      id: wamid,
      status,
      timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
      recipient_id: recipient,
    };
    if (typeof sent?.body.biz_opaque_callback_data === 'string')
      item.biz_opaque_callback_data = sent.body.biz_opaque_callback_data;
    if (status === 'failed') {
      item.errors = [metaAsyncError(opts.errorCode ?? 131026)];
    } else {
      const template = sent?.type === 'template';
      item.pricing = {
        billable: template,
        pricing_model: 'PMP',
        category: template ? 'utility' : 'service',
        type: template ? 'regular' : 'free_customer_service',
      };
    }
    return this.sendWebhookValue(target, { statuses: [item] });
  }

  /** An inbound text message (§1.4.1); returns Ponte's HTTP status and the wamid used. */
  async sendInboundText(target: WebhookTarget, msg: InboundText): Promise<{ status: number; id: string }> {
    const id = msg.id ?? newWamid(msg.from);
    const message: Record<string, unknown> = {
      from: msg.from,
      id,
      timestamp: String(msg.timestamp ?? Math.floor(Date.now() / 1000)),
      type: 'text',
      text: { body: msg.text },
    };
    if (msg.replyTo) message.context = { from: this.displayPhone, id: msg.replyTo };
    const contacts = [{ profile: { name: msg.name ?? 'Maria Souza' }, wa_id: msg.from }];
    return { status: await this.sendWebhookValue(target, { contacts, messages: [message] }), id };
  }

  /** Wraps any `value` (messages, statuses, errors) in the envelope, signs the exact bytes and POSTs them. */
  async sendWebhookValue(target: WebhookTarget, value: Record<string, unknown>): Promise<number> {
    const secret = target.appSecret ?? this.options.appSecret;
    if (!secret) throw new Error('FakeMetaGraph: no appSecret to sign the webhook with');
    const metadata = { display_phone_number: this.displayPhone, phone_number_id: this.options.phoneNumberId };
    const envelope = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: this.options.wabaId ?? '102290129340398',
          changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata, ...value } }],
        },
      ],
    };
    const bytes = Buffer.from(metaJson(envelope));
    const res = await fetch(target.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'facebookexternalua',
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`,
        'x-hub-signature': `sha1=${createHmac('sha1', secret).update(bytes).digest('hex')}`,
      },
      body: bytes,
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** The GET verification handshake of §1.2, as the App Dashboard does it. */
  async verifyWebhook(
    url: string,
    verifyToken: string,
    challenge = '1158201444',
  ): Promise<{ status: number; body: string }> {
    const query = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.challenge': challenge,
      'hub.verify_token': verifyToken,
    });
    const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}${query.toString()}`, {
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  }

  private get displayPhone(): string {
    return this.options.displayPhoneNumber ?? '15550783881';
  }

  private messages(req: RecordedRequest): FakeResponse {
    const { version, phoneNumberId } = req.params;
    if (bearer(req) !== this.options.accessToken) return metaError(190);
    if (!/^v\d+\.\d+$/.test(version)) return metaError(100, `Unknown API version: ${version}`);
    if (phoneNumberId !== this.options.phoneNumberId)
      return metaError(
        100,
        `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
      );
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
      return metaError(100, 'Content-Type must be application/json');
    const body: unknown = req.body;
    if (!isObject(body)) return metaError(100, 'Invalid JSON in request body');
    if (body.messaging_product !== 'whatsapp')
      return metaError(
        100,
        `Param messaging_product must be one of {WHATSAPP} - got "${String(body.messaging_product)}".`,
      );
    if (body.status !== undefined) return this.markRead(body);

    if (!nonEmpty(body.to)) return metaError(100, 'The parameter to is required.');
    const type = String(body.type ?? 'text'); // Graph defaults a missing type to text
    if (!TYPES.includes(type))
      return metaError(100, `Param type must be one of {${TYPES.join(', ')}} - got "${type}".`);
    const invalid = validate(type, body[type]);
    if (invalid) return metaError(100, invalid);

    const now = Date.now();
    this.acceptedAt = this.acceptedAt.filter((t) => now - t < 1000);
    if (this.perSecond !== undefined && this.acceptedAt.length >= this.perSecond) return metaError(130429);
    const failure = this.failures.get(digits(body.to));
    if (failure !== undefined) return metaError(failure);
    if (this.windowClosed && type !== 'template') return metaError(131047);

    this.acceptedAt.push(now);
    const waId = this.waIds.get(digits(body.to)) ?? digits(body.to);
    const wamid = newWamid(waId);
    this.sent.push({
      wamid,
      to: body.to,
      waId,
      type: type as MetaMessageType,
      version,
      phoneNumberId,
      body,
      at: now,
    });
    return reply.json({
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to, wa_id: waId }],
      messages: [{ id: wamid }],
    });
  }

  private markRead(body: Record<string, any>): FakeResponse {
    if (body.status !== 'read')
      return metaError(100, `Param status must be one of {READ} - got "${String(body.status)}".`);
    if (typeof body.message_id !== 'string' || !WAMID.test(body.message_id)) return metaError(131009);
    const typing: unknown = body.typing_indicator;
    if (typing !== undefined && (!isObject(typing) || typing.type !== 'text'))
      return metaError(100, 'Param typing_indicator[type] must be one of {TEXT}.');
    this.reads.push(body.message_id);
    return reply.json({ success: true });
  }
}
