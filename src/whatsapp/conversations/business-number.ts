import type { WhatsAppMessageData } from '../../events/normalisers/message-data';
import type { ProviderAccount } from '../../notifications/providers/provider-adapter';

/** The providers with Meta's 24-hour customer-service window (WhatsApp Web sessions have none). */
export const OFFICIAL_PROVIDERS: ReadonlySet<string> = new Set(['meta', 'twilio']);
export const WINDOW_MS = 24 * 3600 * 1000;

const digits = (s: string | null | undefined): string => (s ?? '').replace(/\D/g, '');

/**
 * Which business number a message reached, as `<provider>:<id>`: Meta's phone_number_id, the
 * Twilio sender's digits, the Z-API instance, the WAHA session. Undefined when the payload lacks it.
 */
export function businessNumberOf(
  data: Pick<WhatsAppMessageData, 'provider' | 'phoneNumberId' | 'instanceId' | 'session' | 'to'>,
): string | undefined {
  switch (data.provider) {
    case 'meta':
      return data.phoneNumberId ? `meta:${data.phoneNumberId}` : undefined;
    case 'twilio':
      return digits(data.to) ? `twilio:${digits(data.to)}` : undefined;
    case 'zapi':
      return data.instanceId ? `zapi:${data.instanceId}` : undefined;
    case 'waha':
      return data.session ? `waha:${data.session}` : undefined;
  }
}

/** The same key for a provider account we send through. */
export function businessNumberOfAccount(account: ProviderAccount): string | undefined {
  const c = account.config as Record<string, string | undefined>;
  switch (account.kind) {
    case 'meta':
      return c.phoneNumberId ? `meta:${c.phoneNumberId}` : undefined;
    case 'twilio':
      return digits(c.from) ? `twilio:${digits(c.from)}` : undefined;
    case 'zapi':
      return c.instanceId ? `zapi:${c.instanceId}` : undefined;
    case 'waha':
      return c.session ? `waha:${c.session}` : undefined;
    default:
      return undefined;
  }
}

/** When the customer-service window closes; null where there is no window or it never opened. */
export function windowExpiresAt(provider: string, lastInboundAt: Date | null): Date | null {
  if (!OFFICIAL_PROVIDERS.has(provider) || !lastInboundAt) return null;
  return new Date(lastInboundAt.getTime() + WINDOW_MS);
}

/** Whether free text can go now: no window on this provider, or the contact wrote within 24 h. */
export function isWindowOpen(c: { provider: string; lastInboundAt: Date | null }, nowMs: number): boolean {
  if (!OFFICIAL_PROVIDERS.has(c.provider)) return true;
  const expires = windowExpiresAt(c.provider, c.lastInboundAt);
  return !!expires && expires.getTime() > nowMs;
}
