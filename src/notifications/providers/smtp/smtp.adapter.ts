import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import type { FailureKind } from '../provider-adapter';
import {
  CheckResult,
  OutgoingMessage,
  ProviderAccount,
  ProviderAdapter,
  SendFailure,
  SendReceipt,
} from '../provider-adapter';
import { ProviderKindPlugin } from '../provider-kind';
import { SHARED_FIELD_DOCS } from '../provider-config';

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/** Connection-level failures worth retrying (nodemailer's codes). */
const TRANSIENT_ERRORS = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
]);

/** E-mail over SMTP with nodemailer; `sent` once the server accepts the message. */
@Injectable()
@ProviderKindPlugin('smtp', {
  channels: ['email'],
  config: {
    host: { type: 'string', required: true, description: 'SMTP server host' },
    port: { type: 'port', required: true, description: 'SMTP server port' },
    secure: {
      type: 'boolean',
      required: true,
      description: 'TLS from the start (port 465) rather than STARTTLS',
    },
    user: { type: 'string', description: 'SMTP user' },
    pass: { type: 'string', secret: true, description: 'SMTP password' },
    from: { type: 'string', required: true, description: SHARED_FIELD_DOCS.from },
  },
  target: (config) => ({ url: `http://${String(config.host)}:${Number(config.port)}`, field: 'config.host' }),
})
export class SmtpAdapter extends ProviderAdapter<SmtpConfig> implements OnApplicationShutdown {
  private readonly transports = new Map<string, Transporter>();

  async send(account: ProviderAccount<SmtpConfig>, message: OutgoingMessage): Promise<SendReceipt> {
    try {
      const info = (await this.transport(account).sendMail({
        from: account.config.from,
        to: message.to,
        subject: message.content.subject ?? '',
        text: message.content.text,
        html: message.content.html ?? undefined,
        headers: { 'X-Ponte-Notification': message.notificationId },
        attachments: message.attachments,
      })) as { messageId: string; rejected?: unknown[] };
      if (info.rejected?.length)
        throw new SendFailure('permanent', '550', 'the server refused the recipient');
      return { providerMessageId: info.messageId };
    } catch (err) {
      throw err instanceof SendFailure ? err : this.failure(err as SmtpError);
    }
  }

  async check(account: ProviderAccount<SmtpConfig>): Promise<CheckResult> {
    try {
      await this.transport(account).verify();
      return { ok: true, detail: `${account.config.host}:${account.config.port} accepted the connection` };
    } catch (err) {
      return { ok: false, detail: this.failure(err as SmtpError).message };
    }
  }

  /** SMTP reply codes: 4xx try again later, 5xx do not. */
  classify(errorCode: string | undefined): FailureKind {
    if (errorCode && (/^4\d\d$/.test(errorCode) || TRANSIENT_ERRORS.has(errorCode))) return 'transient';
    return 'permanent';
  }

  onApplicationShutdown(): void {
    for (const t of this.transports.values()) t.close();
  }

  private failure(err: SmtpError): SendFailure {
    const code = err.responseCode ? String(err.responseCode) : (err.code ?? 'network');
    return new SendFailure(this.classify(code), code, err.message ?? 'SMTP error');
  }

  private transport(account: ProviderAccount<SmtpConfig>): Transporter {
    let t = this.transports.get(account.version);
    if (!t) {
      const { host, port, secure, user, pass } = account.config;
      t = nodemailer.createTransport({
        host,
        port,
        secure,
        auth: user ? { user, pass: pass ?? '' } : undefined,
        pool: true,
        maxConnections: 3,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
      this.transports.set(account.version, t);
    }
    return t;
  }
}
