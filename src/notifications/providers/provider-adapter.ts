import { OutboundError } from '../../platform/outbound/outbound-http';
import type { Channel, RenderedContent } from '../channels';
import type { ProviderKind } from './provider-kind';
import type { SessionControl } from './session-control';

/** What an adapter sends: one rendered message to one address on one channel. */
export interface OutgoingMessage {
  notificationId: string;
  channel: Channel;
  /** E.164 for WhatsApp and SMS, an e-mail address for e-mail. */
  to: string;
  content: RenderedContent;
  media?: { type: 'image' | 'document'; url: string; filename?: string };
  /** WhatsApp reply buttons (1–3). */
  buttons?: Array<{ id: string; title: string }>;
  /** Where the provider should post this message's statuses (Twilio takes it per message). */
  statusCallbackUrl?: string;
  /** E-mail only: files sent with the message (analytics' scheduled reports). */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface SendReceipt {
  providerMessageId: string;
  /** The sandbox reports `delivered` at once. */
  delivered?: boolean;
}

export interface CheckResult {
  ok: boolean;
  detail: string;
}

/**
 * How a failure is handled: `transient` retries the same provider on the schedule, `permanent`
 * moves to the next provider of the channel, `channel` skips the rest of the channel (WhatsApp's
 * closed 24-hour window) and moves to the next channel.
 */
export type FailureKind = 'transient' | 'permanent' | 'channel';

export class SendFailure extends Error {
  override readonly name = 'SendFailure';

  constructor(
    readonly kind: FailureKind,
    /** The provider's own code (Meta 131026, Twilio 21211, SMTP 550) or `network`, `timeout`. */
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** No answer at all: worth retrying, except a URL the SSRF guard refuses. */
export function networkFailure(err: unknown): SendFailure {
  const kind = err instanceof OutboundError ? err.kind : 'network';
  return new SendFailure(kind === 'unsafe-url' ? 'permanent' : 'transient', kind, (err as Error).message);
}

/** A provider account as adapters see it: its decrypted config. */
export interface ProviderAccount<C = Record<string, unknown>> {
  /** Null for the implicit sandbox of a channel with no provider. */
  id: string | null;
  workspaceId: string;
  kind: ProviderKind;
  config: C;
  /** Changes when the config changes: adapters cache clients by it. */
  version: string;
  /** Sends per second at most, across all workers (null: no limit). */
  rateLimitPerSecond: number | null;
}

/**
 * One provider's client, declared with `@ProviderKindPlugin` in its provider's folder. Sends throw SendFailure, classified the provider's way; `classify` does
 * the same for a failure that arrives later in a status callback.
 */
export abstract class ProviderAdapter<C = Record<string, unknown>> {
  abstract send(account: ProviderAccount<C>, message: OutgoingMessage): Promise<SendReceipt>;
  abstract check(account: ProviderAccount<C>): Promise<CheckResult>;
  abstract classify(errorCode: string | undefined): FailureKind;

  /** WhatsApp Web session control (start, stop, status, QR), for the kinds that pair by QR. */
  readonly sessions?: SessionControl<C>;

  /** Marks an inbound message (and those before it) read, where the provider supports it. */
  markRead(_account: ProviderAccount<C>, _messageId: string): Promise<void> {
    return Promise.resolve();
  }
}
