import { Injectable } from '@nestjs/common';
import twilio, { Twilio } from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { OutboundHttp } from '../../../platform/outbound/outbound-http';
import type { FailureKind } from '../../../notifications/providers/provider-adapter';
import {
  CheckResult,
  networkFailure,
  OutgoingMessage,
  ProviderAccount,
  ProviderAdapter,
  SendFailure,
  SendReceipt,
} from '../../../notifications/providers/provider-adapter';
import { TwilioHttpBridge } from './twilio-http';
import { ProviderKindPlugin } from '../../../notifications/providers/provider-kind';
import { SHARED_FIELD_DOCS } from '../../../notifications/providers/provider-config';

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  baseUrl?: string;
}

/** Queue overflow and Twilio's own errors pass; 63016 is WhatsApp's closed 24-hour window. */
const TRANSIENT_CODES = new Set(['20429', '20500', '20503', '30001']);
const CHANNEL_CODES = new Set(['63016']);

interface RestError {
  status?: number;
  code?: number;
  message?: string;
}

/** WhatsApp and SMS through Twilio's Messaging API, with the official SDK. */
@Injectable()
@ProviderKindPlugin('twilio', {
  channels: ['whatsapp', 'sms'],
  config: {
    accountSid: { type: 'string', required: true, description: 'Twilio account SID (AC...)' },
    authToken: { type: 'string', required: true, secret: true, description: 'Twilio auth token' },
    from: { type: 'string', description: SHARED_FIELD_DOCS.from },
    messagingServiceSid: {
      type: 'string',
      description: 'Twilio Messaging Service SID (MG...), instead of from',
    },
    baseUrl: { type: 'url', description: SHARED_FIELD_DOCS.baseUrl },
  },
  configNote: '. Give from or messagingServiceSid',
  crossCheck: (config) =>
    !config.from && !config.messagingServiceSid
      ? [{ field: 'config.from', message: 'twilio providers need from or messagingServiceSid' }]
      : [],
  // Twilio takes the status callback URL per message: the workspace's Twilio source, if any.
  statusSourceKind: 'twilio',
})
export class TwilioAdapter extends ProviderAdapter<TwilioConfig> {
  private readonly clients = new Map<string, Twilio>();
  private readonly bridge: TwilioHttpBridge;

  constructor(http: OutboundHttp) {
    super();
    this.bridge = new TwilioHttpBridge(http);
  }

  async send(account: ProviderAccount<TwilioConfig>, message: OutgoingMessage): Promise<SendReceipt> {
    const { config } = account;
    const whatsapp = message.channel === 'whatsapp';
    const address = (n: string) => (whatsapp && !n.startsWith('whatsapp:') ? `whatsapp:${n}` : n);
    const template = whatsapp ? message.content.whatsapp : null;
    const params = {
      to: address(message.to),
      ...(config.messagingServiceSid
        ? { messagingServiceSid: config.messagingServiceSid }
        : { from: address(config.from ?? '') }),
      ...(template?.contentSid
        ? {
            contentSid: template.contentSid,
            contentVariables: JSON.stringify(
              Object.fromEntries(template.parameters.map((p, i) => [String(i + 1), p])),
            ),
          }
        : { body: message.content.text }),
      ...(message.media ? { mediaUrl: [message.media.url] } : {}),
      ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
    };
    try {
      const sent = await this.client(account).messages.create(params);
      return { providerMessageId: sent.sid };
    } catch (err) {
      throw this.failure(err);
    }
  }

  async check(account: ProviderAccount<TwilioConfig>): Promise<CheckResult> {
    try {
      const acct = await this.client(account).api.v2010.accounts(account.config.accountSid).fetch();
      return { ok: acct.status === 'active', detail: `account ${acct.friendlyName} is ${acct.status}` };
    } catch (err) {
      return { ok: false, detail: this.failure(err).message };
    }
  }

  classify(errorCode: string | undefined): FailureKind {
    if (errorCode && CHANNEL_CODES.has(errorCode)) return 'channel';
    if (errorCode && TRANSIENT_CODES.has(errorCode)) return 'transient';
    return 'permanent';
  }

  private failure(err: unknown): SendFailure {
    const rest = err as RestError;
    if (typeof rest.status !== 'number') return networkFailure(err);
    const code = rest.code !== undefined ? String(rest.code) : undefined;
    const kind: FailureKind =
      code && (CHANNEL_CODES.has(code) || TRANSIENT_CODES.has(code))
        ? this.classify(code)
        : rest.status >= 500 || rest.status === 429
          ? 'transient'
          : 'permanent';
    return new SendFailure(kind, code ?? `http_${rest.status}`, rest.message ?? `HTTP ${rest.status}`);
  }

  private client(account: ProviderAccount<TwilioConfig>): Twilio {
    let client = this.clients.get(account.version);
    if (!client) {
      client = twilio(account.config.accountSid, account.config.authToken, {
        httpClient: this.bridge as unknown as RequestClient,
        autoRetry: false,
      });
      if (account.config.baseUrl) client.api.baseUrl = account.config.baseUrl.replace(/\/+$/, '');
      this.clients.set(account.version, client);
    }
    return client;
  }
}
