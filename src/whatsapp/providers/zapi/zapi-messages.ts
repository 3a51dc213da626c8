import type { FailureKind, OutgoingMessage } from '../../../notifications/providers/provider-adapter';
import { SendFailure } from '../../../notifications/providers/provider-adapter';

/** Z-API request bodies and error handling (reference §3.1–3.4), free of I/O. */

export interface ZapiError {
  error?: string;
  message?: string;
}

/** One Z-API call: the method path after `/instances/{id}/token/{token}/` and its JSON body. */
export interface ZapiRequest {
  method: string;
  body: Record<string, unknown>;
}

/**
 * What Z-API says when the instance lost its WhatsApp session (the wording of `/status`). The phone
 * may come back (battery, network, a QR scan by the operator), so such a failure is transient: the
 * same provider is retried on the schedule rather than given up on for the notification.
 */
const DISCONNECTED = /not connected|restore the session|disconnected|instance.*offline/i;

const URL_AT_END = /(https?:\/\/\S+)\s*$/;

/** Digits only (`DDI DDD NUMBER`): Z-API refuses `+` and formatting. */
export const zapiPhone = (e164: string): string => e164.replace(/\D/g, '');

/**
 * The send method and body for a message. Z-API has no 24-hour window and no approved templates:
 * the rendered text is sent (`content.whatsapp` is ignored).
 */
export function zapiRequest(message: OutgoingMessage): ZapiRequest {
  const phone = zapiPhone(message.to);
  const text = message.content.text;
  const { media, buttons } = message;
  if (media?.type === 'image') {
    const link = URL_AT_END.exec(text)?.[1];
    // An image whose text ends with a link: a link preview card, with the image as its picture.
    if (link) {
      const description = text.slice(0, text.length - link.length).trim();
      return {
        method: 'send-link',
        body: {
          phone,
          message: text.trim(),
          image: media.url,
          linkUrl: link,
          title: message.content.subject ?? hostOf(link),
          linkDescription: description || hostOf(link),
          linkType: 'LARGE',
        },
      };
    }
    return { method: 'send-image', body: { phone, image: media.url, caption: text || undefined } };
  }
  if (media) {
    const fileName = media.filename ?? fileNameOf(media.url);
    return {
      method: `send-document/${extensionOf(fileName) ?? 'pdf'}`,
      body: { phone, document: media.url, fileName, caption: text || undefined },
    };
  }
  if (buttons?.length) {
    return {
      method: 'send-button-list',
      body: {
        phone,
        message: text,
        buttonList: { buttons: buttons.map((b) => ({ id: b.id, label: b.title })) },
      },
    };
  }
  return { method: 'send-text', body: { phone, message: text } };
}

/** The failure a non-2xx answer means. */
export function zapiFailure(status: number, body: ZapiError | undefined): SendFailure {
  const text = body?.error ?? body?.message ?? `HTTP ${status}`;
  if (DISCONNECTED.test(text)) return new SendFailure('transient', 'instance_disconnected', text);
  return new SendFailure(classifyZapiStatus(status), `http_${status}`, text);
}

/**
 * By HTTP status: 429 and 5xx pass; 400 (bad phone, empty message, `null not allowed` for a missing
 * Client-Token), 401/403 (Client-Token), 404 (unknown instance or token) and 405/415 do not.
 */
export function classifyZapiStatus(status: number): FailureKind {
  return status === 429 || status >= 500 ? 'transient' : 'permanent';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function fileNameOf(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

/** `boleto.PDF` → `pdf`; Z-API wants the extension in the path (`send-document/pdf`). */
function extensionOf(name: string | undefined): string | undefined {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name ?? '')?.[1];
  return ext?.toLowerCase();
}
