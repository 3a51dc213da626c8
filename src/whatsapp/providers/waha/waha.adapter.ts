import { Injectable } from '@nestjs/common';
import { Clock } from '../../../platform/clock';
import { OutboundHttp, OutboundResponse } from '../../../platform/outbound/outbound-http';
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
import {
  needsChatLookup,
  wahaChatId,
  WahaError,
  wahaErrorText,
  wahaFailure,
  wahaMessageId,
  wahaRequest,
} from './waha-messages';
import { ProviderKindPlugin } from '../../../notifications/providers/provider-kind';
import { SHARED_FIELD_DOCS } from '../../../notifications/providers/provider-config';
import type { SessionControl } from '../../../notifications/providers/session-control';
import { WahaSessions } from './waha-sessions';

export interface WahaConfig {
  baseUrl: string;
  apiKey: string;
  session: string;
}

interface CheckExistsAnswer extends WahaError {
  numberExists?: boolean;
  chatId?: string | null;
}

interface SessionAnswer extends WahaError {
  name?: string;
  status?: string;
  me?: { id?: string; pushName?: string } | null;
  engine?: { engine?: string };
}

/** A resolved chat id is good for a day; a number that is not on WhatsApp is asked again next time. */
const CHAT_TTL_MS = 24 * 3600_000;
const CHAT_CACHE_MAX = 10_000;

/** WhatsApp through a self-hosted WAHA: text, image, file; its session (QR); 9th-digit resolution. */
@Injectable()
@ProviderKindPlugin('waha', {
  channels: ['whatsapp'],
  config: {
    // Self-hosted: there is no public default, so its base URL is required.
    baseUrl: { type: 'url', required: true, description: SHARED_FIELD_DOCS.baseUrl },
    apiKey: { type: 'string', required: true, secret: true, description: SHARED_FIELD_DOCS.apiKey },
    session: { type: 'string', required: true, description: 'WAHA session name' },
  },
})
export class WahaAdapter extends ProviderAdapter<WahaConfig> {
  /** `<config version>|<phone>` → chat id, oldest first (insertion order) for eviction. */
  private readonly chats = new Map<string, { chatId: string; expires: number }>();
  override readonly sessions: SessionControl<WahaConfig> = new WahaSessions(this.call.bind(this));

  constructor(
    private readonly http: OutboundHttp,
    private readonly clock: Clock,
  ) {
    super();
  }

  async send(account: ProviderAccount<WahaConfig>, message: OutgoingMessage): Promise<SendReceipt> {
    const chatId = await this.chatIdFor(account, message.to);
    const { path, body } = wahaRequest(message, account.config.session, chatId);
    const res = await this.call(account, 'POST', path, body);
    if (res.status < 200 || res.status >= 300) throw wahaFailure(res.status, res.data);
    // WEBJS builds with an empty answer (WAHA issue #1087) did send the message: retrying would
    // send it twice, so it counts as sent, under an id no status will ever match.
    return { providerMessageId: wahaMessageId(res.data) ?? `unknown_${message.notificationId}` };
  }

  async check(account: ProviderAccount<WahaConfig>): Promise<CheckResult> {
    const { session } = account.config;
    const res = await this.call<SessionAnswer>(
      account,
      'GET',
      `/api/sessions/${encodeURIComponent(session)}`,
    );
    if (res.status !== 200) return { ok: false, detail: wahaErrorText(res.status, res.data) };
    const d = res.data ?? {};
    const engine = d.engine?.engine ? `, engine ${d.engine.engine}` : '';
    const me = d.me?.id ? ` as ${d.me.id}` : '';
    return {
      ok: d.status === 'WORKING',
      detail: `session ${session} is ${d.status ?? 'unknown'}${me}${engine}`,
    };
  }

  /** A `failed` ack (-1 ERROR) carries no code: the next provider is tried. */
  classify(errorCode: string | undefined): FailureKind {
    return errorCode === 'session_not_working' ? 'transient' : 'permanent';
  }

  /** Brazilian numbers: the chat id WAHA says the number has (with or without the 9th digit). */
  private async chatIdFor(account: ProviderAccount<WahaConfig>, to: string): Promise<string> {
    if (!needsChatLookup(to)) return wahaChatId(to);
    const phone = to.replace(/\D/g, '');
    const key = `${account.version}|${phone}`;
    const now = this.clock.nowMs();
    const hit = this.chats.get(key);
    if (hit && hit.expires > now) return hit.chatId;
    const query = new URLSearchParams({ phone, session: account.config.session });
    const res = await this.call<CheckExistsAnswer>(
      account,
      'GET',
      `/api/contacts/check-exists?${query.toString()}`,
    );
    if (res.status !== 200) throw wahaFailure(res.status, res.data);
    if (res.data?.numberExists === false)
      throw new SendFailure('permanent', 'number_not_on_whatsapp', 'the number is not on WhatsApp');
    const chatId = res.data?.chatId || wahaChatId(to);
    this.chats.delete(key);
    this.chats.set(key, { chatId, expires: now + CHAT_TTL_MS });
    if (this.chats.size > CHAT_CACHE_MAX) this.chats.delete(this.chats.keys().next().value!);
    return chatId;
  }

  private async call<T extends WahaError>(
    account: ProviderAccount<WahaConfig>,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<OutboundResponse & { data: T | undefined }> {
    try {
      return await this.http.json<T>({
        url: `${account.config.baseUrl.replace(/\/+$/, '')}${path}`,
        method,
        headers: { 'x-api-key': account.config.apiKey },
        json: body,
      });
    } catch (err) {
      throw networkFailure(err);
    }
  }
}
