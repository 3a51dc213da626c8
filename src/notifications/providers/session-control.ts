import type { ProviderAccount } from './provider-adapter';

/** A WhatsApp Web session's state, the same words whatever the provider (WAHA's own). */
export const SESSION_STATUSES = ['STOPPED', 'STARTING', 'SCAN_QR_CODE', 'WORKING', 'FAILED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface SessionState {
  status: SessionStatus;
  /** The provider's own word for it (WAHA's status, Z-API's `error` or `connected`). */
  raw: string;
  /** The connected number's id when the provider says (WAHA `me.id`). */
  me?: string | null;
}

/**
 * What a provider kind with WhatsApp Web sessions (QR pairing) offers, as the optional
 * `sessions` of its adapter. A provider's refusal throws a SendFailure with its answer.
 */
export interface SessionControl<C = Record<string, unknown>> {
  start(account: ProviderAccount<C>): Promise<SessionState>;
  stop(account: ProviderAccount<C>): Promise<SessionState>;
  status(account: ProviderAccount<C>): Promise<SessionState>;
  /** The QR to scan as PNG bytes; null when there is none to scan now. */
  qr(account: ProviderAccount<C>): Promise<Buffer | null>;
  /** What a provider names the session by in its webhooks (WAHA session, Z-API instanceId). */
  webhookKey(account: ProviderAccount<C>): string;
}

/** `data:image/png;base64,...` or bare base64 → PNG bytes, or null when it is not a PNG. */
export function pngFromBase64(value: unknown): Buffer | null {
  if (typeof value !== 'string' || value === '') return null;
  const bytes = Buffer.from(value.replace(/^data:[^,]*,/, ''), 'base64');
  return bytes.subarray(0, 8).equals(PNG_SIGNATURE) ? bytes : null;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
