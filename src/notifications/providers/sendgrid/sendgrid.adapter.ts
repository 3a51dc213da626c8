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
} from '../provider-adapter';
import { classifySendGridStatus, SendGridErrors, sendGridBody, sendGridFailure } from './sendgrid-mail';
import { ProviderKindPlugin } from '../provider-kind';
import { SHARED_FIELD_DOCS } from '../provider-config';

export interface SendGridConfig {
  /** `SG.…`, sent as `Authorization: Bearer`. */
  apiKey: string;
  /** `no-reply@x.com` or `Ponte <no-reply@x.com>`: a verified sender of the account. */
  from: string;
  /** `https://api.eu.sendgrid.com` for EU-pinned accounts. */
  baseUrl?: string;
}

const DEFAULT_BASE = 'https://api.sendgrid.com';

/** `no-reply@x.com` or `Ponte <no-reply@x.com>`. */
const MAILBOX = /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

/**
 * E-mail through SendGrid's v3 Mail Send: one POST through Ponte's outbound client (its deadline
 * and SSRF guard) rather than `@sendgrid/mail`, which would bring axios along. `sent` is SendGrid's
 * 202; its `X-Message-Id` is the provider id.
 */
@Injectable()
@ProviderKindPlugin('sendgrid', {
  channels: ['email'],
  config: {
    apiKey: { type: 'string', required: true, secret: true, description: SHARED_FIELD_DOCS.apiKey },
    from: { type: 'string', required: true, description: SHARED_FIELD_DOCS.from },
    baseUrl: { type: 'url', description: SHARED_FIELD_DOCS.baseUrl },
  },
  crossCheck: (config) =>
    typeof config.from === 'string' && !MAILBOX.test(config.from.trim())
      ? [{ field: 'config.from', message: 'config.from must be an address or "Name <address>"' }]
      : [],
})
export class SendGridAdapter extends ProviderAdapter<SendGridConfig> {
  constructor(private readonly http: OutboundHttp) {
    super();
  }

  async send(account: ProviderAccount<SendGridConfig>, message: OutgoingMessage): Promise<SendReceipt> {
    let res;
    try {
      res = await this.http.json<SendGridErrors>({
        url: `${this.root(account.config)}/v3/mail/send`,
        method: 'POST',
        headers: { authorization: `Bearer ${account.config.apiKey}` },
        json: sendGridBody(message, account.config.from),
      });
    } catch (err) {
      throw networkFailure(err);
    }
    // 200 is sandbox mode: validated, not sent. Only 202 means accepted for delivery.
    if (res.status !== 202) {
      if (res.status >= 200 && res.status < 300)
        throw new SendFailure('permanent', `http_${res.status}`, `SendGrid answered ${res.status}, not 202`);
      throw sendGridFailure(res.status, res.data);
    }
    const id = res.headers['x-message-id'];
    if (!id) throw new SendFailure('transient', 'bad_answer', 'SendGrid answered 202 without X-Message-Id');
    return { providerMessageId: id };
  }

  /** The key's scopes: valid, and allowed to send mail. */
  async check(account: ProviderAccount<SendGridConfig>): Promise<CheckResult> {
    const res = await this.http.json<SendGridErrors & { scopes?: string[] }>({
      url: `${this.root(account.config)}/v3/scopes`,
      method: 'GET',
      headers: { authorization: `Bearer ${account.config.apiKey}` },
    });
    if (res.status !== 200) return { ok: false, detail: sendGridFailure(res.status, res.data).message };
    const scopes = res.data?.scopes ?? [];
    return scopes.includes('mail.send')
      ? { ok: true, detail: `API key valid, ${scopes.length} scopes including mail.send` }
      : { ok: false, detail: 'API key valid but lacks the mail.send scope' };
  }

  /** SendGrid reports no failures through Ponte's status tracking; a code is an HTTP status. */
  classify(errorCode: string | undefined): FailureKind {
    const status = Number(errorCode?.replace(/^http_/, ''));
    return Number.isInteger(status) ? classifySendGridStatus(status) : 'permanent';
  }

  private root(config: SendGridConfig): string {
    return (config.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
  }
}
