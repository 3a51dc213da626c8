import { Injectable } from '@nestjs/common';
import { OutboundHttp } from '../../../platform/outbound/outbound-http';
import {
  CheckResult,
  FailureKind,
  networkFailure,
  OutgoingMessage,
  ProviderAccount,
  ProviderAdapter,
  SendFailure,
  SendReceipt,
} from '../../../notifications/providers/provider-adapter';
import { classifyMetaCode, MetaError, metaFailure, metaMessageBody } from './meta-messages';
import { ProviderKindPlugin } from '../../../notifications/providers/provider-kind';
import { SHARED_FIELD_DOCS } from '../../../notifications/providers/provider-config';

export interface MetaConfig {
  accessToken: string;
  phoneNumberId: string;
  apiVersion?: string;
  baseUrl?: string;
}

const DEFAULT_BASE = 'https://graph.facebook.com';
const DEFAULT_VERSION = 'v23.0';

interface MetaSendAnswer extends MetaError {
  messages?: Array<{ id?: string }>;
}

/** WhatsApp through the Meta Cloud API (Graph): text, templates, media, reply buttons, mark read. */
@Injectable()
@ProviderKindPlugin('meta', {
  channels: ['whatsapp'],
  config: {
    accessToken: {
      type: 'string',
      required: true,
      secret: true,
      description: 'Meta system-user access token',
    },
    phoneNumberId: { type: 'string', required: true, description: 'The WhatsApp Business phone number id' },
    apiVersion: { type: 'apiVersion', description: 'Graph API version' },
    baseUrl: { type: 'url', description: SHARED_FIELD_DOCS.baseUrl },
  },
  // Meta's default throughput per business number.
  defaultRatePerSecond: 80,
})
export class MetaAdapter extends ProviderAdapter<MetaConfig> {
  constructor(private readonly http: OutboundHttp) {
    super();
  }

  async send(account: ProviderAccount<MetaConfig>, message: OutgoingMessage): Promise<SendReceipt> {
    const data = await this.post<MetaSendAnswer>(account, metaMessageBody(message));
    const id = data?.messages?.[0]?.id;
    if (!id) throw new SendFailure('transient', 'bad_answer', 'Meta answered without a message id');
    return { providerMessageId: id };
  }

  /** Marks an inbound message (and the ones before it) read. */
  override async markRead(account: ProviderAccount<MetaConfig>, messageId: string): Promise<void> {
    await this.post(account, { messaging_product: 'whatsapp', status: 'read', message_id: messageId });
  }

  async check(account: ProviderAccount<MetaConfig>): Promise<CheckResult> {
    const { config } = account;
    const res = await this.http.json<
      MetaError & { display_phone_number?: string; verified_name?: string; quality_rating?: string }
    >({
      url: `${this.root(config)}/${encodeURIComponent(config.phoneNumberId)}?fields=display_phone_number,verified_name,quality_rating`,
      method: 'GET',
      headers: { authorization: `Bearer ${config.accessToken}` },
    });
    if (res.status !== 200) return { ok: false, detail: metaFailure(res.status, res.data).message };
    const d = res.data ?? {};
    return {
      ok: true,
      detail: `phone number ${config.phoneNumberId} (${d.display_phone_number ?? '?'}, ${d.verified_name ?? '?'}), quality ${d.quality_rating ?? 'unknown'}`,
    };
  }

  classify(errorCode: string | undefined): FailureKind {
    return classifyMetaCode(errorCode) ?? 'permanent';
  }

  private root(config: MetaConfig): string {
    return `${(config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '')}/${config.apiVersion ?? DEFAULT_VERSION}`;
  }

  private async post<T extends MetaError>(
    account: ProviderAccount<MetaConfig>,
    body: unknown,
  ): Promise<T | undefined> {
    const { config } = account;
    let res;
    try {
      res = await this.http.json<T>({
        url: `${this.root(config)}/${encodeURIComponent(config.phoneNumberId)}/messages`,
        method: 'POST',
        headers: { authorization: `Bearer ${config.accessToken}` },
        json: body,
      });
    } catch (err) {
      throw networkFailure(err);
    }
    if (res.status < 200 || res.status >= 300) throw metaFailure(res.status, res.data);
    return res.data;
  }
}
