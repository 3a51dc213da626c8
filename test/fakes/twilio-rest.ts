// Fake of Twilio's Programmable Messaging REST API (2010-04-01), faithful enough that the real `twilio` SDK
// talks to it with `client.api.baseUrl = fake.url` (providers.md §2.6), plus the signed status callbacks
// and inbound webhooks Twilio would POST back (§2.2–2.4). Codes and shapes follow §2.1.
import { randomBytes, randomUUID } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio';
import { basic, FakeServer, reply, type FakeResponse, type RecordedRequest } from './fake-server';

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
}

export type TwilioStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'undelivered' | 'failed';

export interface SentTwilioMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string | null;
  mediaUrls: string[];
  contentSid: string | null;
  /** ContentVariables parsed from its JSON string. */
  contentVariables?: Record<string, unknown>;
  statusCallback: string | null;
  /** Every form parameter as received (repeated ones as arrays). */
  params: Record<string, string | string[]>;
  /** Latest status: `queued` (or `accepted` via a Messaging Service), then whatever sendStatus said. */
  status: string;
  at: number;
}

export interface TwilioStatusOptions {
  errorCode?: string;
  /** Default to the sent message's To/From; required for a sid this fake did not issue. */
  to?: string;
  from?: string;
  /** Defaults to whatsapp when To has the `whatsapp:` prefix. */
  channel?: 'whatsapp' | 'sms';
}

export interface TwilioInbound {
  from: string;
  body: string;
  to?: string;
  profileName?: string;
  sid?: string;
}

const API = '/2010-04-01/Accounts';
const ADDRESS = /^(whatsapp:)?\+?[1-9]\d{6,14}$/;

/** Messages of the codes a test is likely to ask for (§2.1; most from memory, see §8). */
const CODES: Record<number, { message: string; status?: number }> = {
  20429: { message: 'Too Many Requests', status: 429 },
  21211: { message: "Invalid 'To' Phone Number" },
  21408: {
    message: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
  },
  21610: { message: 'Attempt to send to unsubscribed recipient' },
  21614: { message: "'To' number is not a valid mobile number" },
  30003: { message: 'Unreachable destination handset' },
  30008: { message: 'Unknown error' },
  63003: { message: 'Channel could not find To address' },
  63016: {
    message:
      'Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.',
  },
};

/** Twilio's error body; the SDK turns it into a RestException {status, code, message, moreInfo}. */
export function twilioError(code: number, message?: string, status?: number): FakeResponse {
  const httpStatus = status ?? CODES[code]?.status ?? 400;
  const body = {
    code,
    message: message ?? CODES[code]?.message ?? `Error ${code}`,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status: httpStatus,
  };
  return reply.json(body, httpStatus);
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const one = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
const rfc2822 = (at: number): string => new Date(at).toUTCString().replace('GMT', '+0000');
const bare = (address: string): string => address.replace(/^whatsapp:/, '');

export class FakeTwilio extends FakeServer {
  private sent: SentTwilioMessage[] = [];
  private failures = new Map<string, number>();

  constructor(private readonly options: FakeTwilioOptions) {
    super();
    this.route('POST', `${API}/:accountSid/Messages.json`, (req) => this.guard(req, () => this.create(req)));
    this.route('GET', `${API}/:accountSid/Messages/:sid.json`, (req) =>
      this.guard(req, () => {
        const message = this.sent.find((m) => m.sid === req.params.sid);
        if (!message) return twilioError(20404, `The requested resource ${req.path} was not found`, 404);
        return reply.json(this.resource(message));
      }),
    );
    this.route('GET', `${API}/:accountSid.json`, (req) => this.guard(req, () => reply.json(this.account())));
  }

  /** Accepted messages, oldest first. */
  sentMessages(): SentTwilioMessage[] {
    return this.sent.map((m) => ({ ...m }));
  }

  /** Every send to this address (with or without `whatsapp:`) fails with `code` (21211, 63016, 21610...). */
  permanentFailureFor(to: string, code: number): void {
    this.failures.set(bare(to), code);
  }

  override reset(): void {
    super.reset();
    this.sent = [];
    this.failures.clear();
  }

  /** A status callback shaped like §2.2, signed with X-Twilio-Signature; returns Ponte's HTTP status. */
  async sendStatus(
    url: string,
    sid: string,
    status: TwilioStatus,
    opts: TwilioStatusOptions = {},
  ): Promise<number> {
    const message = this.sent.find((m) => m.sid === sid);
    const to = opts.to ?? message?.to;
    const from = opts.from ?? message?.from ?? undefined;
    if (!to || !from) throw new Error(`FakeTwilio: unknown sid ${sid}; pass opts.to and opts.from`);
    const whatsapp = (opts.channel ?? (to.startsWith('whatsapp:') ? 'whatsapp' : 'sms')) === 'whatsapp';
    const prefixed = (address: string) => (whatsapp ? `whatsapp:${bare(address)}` : bare(address));
    const params: Record<string, string> = {
      SmsSid: sid,
      SmsStatus: status,
      MessageStatus: status,
      To: prefixed(to),
      MessageSid: sid,
      AccountSid: this.options.accountSid,
      From: prefixed(from),
      ApiVersion: '2010-04-01',
    };
    if (whatsapp) {
      Object.assign(params, {
        ChannelToAddress: bare(to),
        ChannelPrefix: 'whatsapp',
        ChannelInstallSid: `XE${hex(16)}`,
        StructuredMessage: 'false',
      });
      if (status === 'delivered' || status === 'read') params.EventType = status.toUpperCase();
    }
    if (opts.errorCode !== undefined || status === 'failed' || status === 'undelivered') {
      const code = opts.errorCode ?? '30008';
      params.ErrorCode = code;
      params.ErrorMessage = CODES[Number(code)]?.message ?? 'Unknown error';
    }
    if (message) message.status = status;
    return this.postSigned(url, params);
  }

  /** An inbound WhatsApp message webhook (§2.3); returns Ponte's HTTP status and the message sid. */
  async sendInbound(url: string, msg: TwilioInbound): Promise<{ status: number; sid: string }> {
    const sid = msg.sid ?? `SM${hex(16)}`;
    const params: Record<string, string> = {
      SmsMessageSid: sid,
      NumMedia: '0',
      ProfileName: msg.profileName ?? 'Maria Souza',
      MessageType: 'text',
      SmsSid: sid,
      WaId: bare(msg.from).replace(/\D/g, ''),
      SmsStatus: 'received',
      Body: msg.body,
      To: msg.to ?? 'whatsapp:+14155238886',
      NumSegments: '1',
      ReferralNumMedia: '0',
      MessageSid: sid,
      AccountSid: this.options.accountSid,
      From: msg.from,
      ApiVersion: '2010-04-01',
    };
    return { status: await this.postSigned(url, params), sid };
  }

  /** POSTs form params signed with the SDK's own algorithm over the full URL (query string included). */
  async postSigned(url: string, params: Record<string, string>): Promise<number> {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'TwilioProxy/1.1',
        'i-twilio-idempotency-token': randomUUID(),
        'x-twilio-signature': getExpectedTwilioSignature(this.options.authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** Basic auth with the configured account, then the account in the path must be that one. */
  private guard(req: RecordedRequest, next: () => FakeResponse): FakeResponse {
    const auth = basic(req);
    if (auth?.user !== this.options.accountSid || auth.pass !== this.options.authToken)
      return twilioError(20003, 'Authenticate', 401);
    if (req.params.accountSid !== this.options.accountSid)
      return twilioError(20404, `The requested resource ${req.path} was not found`, 404);
    return next();
  }

  private create(req: RecordedRequest): FakeResponse {
    const params: Record<string, string | string[]> =
      typeof req.body === 'object' && req.body !== null ? req.body : {};
    const to = one(params.To);
    const from = one(params.From) ?? null;
    const messagingServiceSid = one(params.MessagingServiceSid) ?? null;
    const body = one(params.Body) ?? null;
    const contentSid = one(params.ContentSid) ?? null;
    const mediaUrls = [params.MediaUrl ?? []].flat();
    if (!to) return twilioError(21604, "A 'To' phone number is required.");
    if (!from && !messagingServiceSid) return twilioError(21603, "A 'From' phone number is required.");
    if (!ADDRESS.test(to)) return twilioError(21211, `Invalid 'To' Phone Number: ${to}`);
    if (from && !ADDRESS.test(from)) return twilioError(21212, `Invalid 'From' Phone Number: ${from}`);
    if (from && to.startsWith('whatsapp:') !== from.startsWith('whatsapp:'))
      return twilioError(21910, 'Invalid From and To pair. From and To should be of the same channel');
    if (!body && !contentSid && mediaUrls.length === 0)
      return twilioError(21619, 'A text message body or media urls must be specified.');
    let contentVariables: Record<string, unknown> | undefined;
    const rawVariables = one(params.ContentVariables);
    if (rawVariables !== undefined) {
      contentVariables = parseObject(rawVariables);
      if (!contentVariables) return twilioError(21656, 'The ContentVariables Parameter is invalid.');
    }
    const failure = this.failures.get(bare(to));
    if (failure !== undefined) {
      const known = CODES[failure]?.message;
      return twilioError(failure, known?.includes("'To'") ? `${known}: ${to}` : known);
    }

    const message: SentTwilioMessage = {
      sid: `SM${hex(16)}`,
      to,
      from,
      messagingServiceSid,
      body,
      mediaUrls,
      contentSid,
      contentVariables,
      statusCallback: one(params.StatusCallback) ?? null,
      params,
      status: from ? 'queued' : 'accepted',
      at: Date.now(),
    };
    this.sent.push(message);
    return reply.json(this.resource(message), 201);
  }

  /** The message resource as the API renders it (§2.1). */
  private resource(m: SentTwilioMessage): Record<string, unknown> {
    const uri = `${API}/${this.options.accountSid}/Messages/${m.sid}`;
    return {
      account_sid: this.options.accountSid,
      api_version: '2010-04-01',
      body: m.body ?? '',
      date_created: rfc2822(m.at),
      date_sent: null,
      date_updated: rfc2822(m.at),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: String(m.mediaUrls.length),
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
      to: m.to,
      uri: `${uri}.json`,
    };
  }

  private account(): Record<string, unknown> {
    const { accountSid: sid, authToken } = this.options;
    const uri = `${API}/${sid}`;
    return {
      auth_token: authToken,
      date_created: rfc2822(Date.UTC(2024, 0, 15)),
      date_updated: rfc2822(Date.UTC(2024, 0, 15)),
      friendly_name: 'Ponte test account',
      owner_account_sid: sid,
      sid,
      status: 'active',
      subresource_uris: { messages: `${uri}/Messages.json`, balance: `${uri}/Balance.json` },
      type: 'Full',
      uri: `${uri}.json`,
    };
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
