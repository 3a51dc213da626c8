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
import { ZapiError, zapiFailure, zapiRequest } from './zapi-messages';
import { ProviderKindPlugin } from '../../../notifications/providers/provider-kind';
import { SHARED_FIELD_DOCS } from '../../../notifications/providers/provider-config';
import type { SessionControl } from '../../../notifications/providers/session-control';
import { ZapiSessions } from './zapi-sessions';

export interface ZapiConfig {
  instanceId: string;
  /** The instance token, part of every URL. */
  token: string;
  /** The account security token, sent as the `Client-Token` header. */
  clientToken: string;
  baseUrl?: string;
}

const DEFAULT_BASE = 'https://api.z-api.io';

interface ZapiSendAnswer extends ZapiError {
  zaapId?: string;
  messageId?: string;
  id?: string;
}

interface ZapiStatusAnswer extends ZapiError {
  connected?: boolean;
  smartphoneConnected?: boolean;
}

/** WhatsApp through Z-API: text, reply buttons, image, document, link preview; its session (QR). */
@Injectable()
@ProviderKindPlugin('zapi', {
  channels: ['whatsapp'],
  config: {
    instanceId: { type: 'string', required: true, description: 'Z-API instance id' },
    token: { type: 'string', required: true, secret: true, description: 'Z-API instance token' },
    clientToken: {
      type: 'string',
      required: true,
      secret: true,
      description: 'Z-API account security token (Client-Token header)',
    },
    baseUrl: { type: 'url', description: SHARED_FIELD_DOCS.baseUrl },
  },
})
export class ZapiAdapter extends ProviderAdapter<ZapiConfig> {
  override readonly sessions: SessionControl<ZapiConfig>;

  constructor(private readonly http: OutboundHttp) {
    super();
    this.sessions = new ZapiSessions(http, (config) => this.root(config));
  }

  async send(account: ProviderAccount<ZapiConfig>, message: OutgoingMessage): Promise<SendReceipt> {
    const { method, body } = zapiRequest(message);
    let res;
    try {
      res = await this.http.json<ZapiSendAnswer>({
        url: `${this.root(account.config)}/${method}`,
        method: 'POST',
        headers: { 'client-token': account.config.clientToken },
        json: body,
      });
    } catch (err) {
      throw networkFailure(err);
    }
    if (res.status < 200 || res.status >= 300) throw zapiFailure(res.status, res.data);
    // `messageId` is WhatsApp's id, the one MessageStatusCallback lists in `ids`; `zaapId` is
    // Z-API's own and never comes back in a status.
    const id = res.data?.messageId ?? res.data?.id;
    if (id) return { providerMessageId: id };
    if (res.data?.error) throw zapiFailure(res.status, res.data);
    throw new SendFailure('transient', 'bad_answer', 'Z-API answered without a message id');
  }

  async check(account: ProviderAccount<ZapiConfig>): Promise<CheckResult> {
    const res = await this.http.json<ZapiStatusAnswer>({
      url: `${this.root(account.config)}/status`,
      method: 'GET',
      headers: { 'client-token': account.config.clientToken },
    });
    if (res.status !== 200) return { ok: false, detail: zapiFailure(res.status, res.data).message };
    const d = res.data ?? {};
    const phone = d.smartphoneConnected === false ? ', phone offline' : '';
    if (d.connected === true)
      return { ok: true, detail: `instance ${account.config.instanceId} is connected${phone}` };
    return {
      ok: false,
      detail: `instance ${account.config.instanceId} is not connected: ${d.error ?? 'no detail'}${phone}`,
    };
  }

  /**
   * A `failed` status (DeliveryCallback with an error) carries no code: the message is given up on
   * this provider and the next one is tried.
   */
  classify(errorCode: string | undefined): FailureKind {
    return errorCode === 'instance_disconnected' ? 'transient' : 'permanent';
  }

  private root(config: ZapiConfig): string {
    const base = (config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
    return `${base}/instances/${encodeURIComponent(config.instanceId)}/token/${encodeURIComponent(config.token)}`;
  }
}
