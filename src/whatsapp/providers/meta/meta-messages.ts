import type { FailureKind, OutgoingMessage } from '../../../notifications/providers/provider-adapter';
import { SendFailure } from '../../../notifications/providers/provider-adapter';

/** Meta Cloud API request bodies and error handling (reference §1.5–1.7), free of I/O. */

export interface MetaError {
  error?: { message?: string; code?: number; error_data?: { details?: string } };
}

/** Retrying later helps: throughput and pair limits, app-level limits, Meta's own hiccups. */
const TRANSIENT_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131056]);
/** The 24-hour window is closed: no other WhatsApp provider can send free text either. */
const CHANNEL_CODES = new Set([131047]);

export function classifyMetaCode(code: string | number | undefined): FailureKind | undefined {
  const n = Number(code);
  if (code === undefined || Number.isNaN(n)) return undefined;
  if (CHANNEL_CODES.has(n)) return 'channel';
  if (TRANSIENT_CODES.has(n)) return 'transient';
  return 'permanent';
}

/** The failure a non-2xx answer means; the code decides, the HTTP status only when there is none. */
export function metaFailure(status: number, body: MetaError | undefined): SendFailure {
  const code = body?.error?.code;
  const byStatus: FailureKind = status >= 500 || status === 429 ? 'transient' : 'permanent';
  const message = body?.error?.message ?? `HTTP ${status}`;
  const details = body?.error?.error_data?.details;
  return new SendFailure(
    classifyMetaCode(code) ?? byStatus,
    code !== undefined ? String(code) : `http_${status}`,
    details ? `${message}: ${details}` : message,
  );
}

/** `pt-BR` → `pt_BR`, as Meta names template languages. */
export const metaLanguage = (locale: string): string => locale.replace('-', '_');

export function metaMessageBody(message: OutgoingMessage): Record<string, unknown> {
  const base = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: message.to.replace(/^\+/, ''),
    biz_opaque_callback_data: message.notificationId,
  };
  const { content, media, buttons } = message;
  if (content.whatsapp) {
    const parameters = content.whatsapp.parameters.map((text) => ({ type: 'text', text }));
    return {
      ...base,
      type: 'template',
      template: {
        name: content.whatsapp.name,
        language: { code: metaLanguage(content.whatsapp.language), policy: 'deterministic' },
        components: parameters.length ? [{ type: 'body', parameters }] : [],
      },
    };
  }
  if (media) {
    const caption = content.text || undefined;
    return media.type === 'image'
      ? { ...base, type: 'image', image: { link: media.url, caption } }
      : { ...base, type: 'document', document: { link: media.url, filename: media.filename, caption } };
  }
  if (buttons?.length) {
    return {
      ...base,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: content.text },
        action: { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
      },
    };
  }
  return { ...base, type: 'text', text: { preview_url: false, body: content.text } };
}
