import { isUtf8 } from 'node:buffer';
import type { SourceConfig } from '../source-kind';
import { Webhook } from 'standardwebhooks';
import { safeEqual } from '../../../platform/crypto/constant-time';
import type { InboundRequest, Verification } from '../../verification/inbound-request';
import {
  accepted,
  isJsonMediaType,
  isNonEmptyString,
  rejected,
  singleValue,
} from '../../verification/request-fields';

export const DEFAULT_TOLERANCE_SECONDS = 300;
/**
 * Digits only, no leading zero: the signed content must be the header text itself, and the
 * package signs the parsed number, so the two must be spelled alike (`parseInt` would also take
 * `'12abc'`). Fifteen digits keep the value a safe integer.
 */
const TIMESTAMP_FORMAT = /^(0|[1-9]\d{0,14})$/;
const SIGNATURE_VERSION = 'v1,';

export interface StandardContext {
  now: Date;
  toleranceSeconds?: number;
}

/**
 * Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> ...`).
 *
 * `Webhook.verify` from `standardwebhooks` reads the real clock and its tolerance is hard-coded, so
 * the timestamp is checked here against the injected clock first, and the package is used for
 * what takes no clock: decoding the `whsec_` secret and computing the `v1` signature (`sign` with
 * the request's own timestamp). Each offered `v1` entry is then compared in constant time.
 */
export function verifyStandard(
  secrets: SourceConfig | undefined,
  req: InboundRequest,
  ctx: StandardContext,
): Verification {
  if (!isJsonMediaType(req.contentType)) return rejected('content_type');
  const id = singleValue(req.headers, 'webhook-id');
  const timestamp = singleValue(req.headers, 'webhook-timestamp');
  const signatures = singleValue(req.headers, 'webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    return rejected('signature_missing');
  }
  const secret = secrets?.secret;
  if (id === null || timestamp === null || signatures === null || !isNonEmptyString(secret)) {
    return rejected('signature_invalid');
  }
  if (!TIMESTAMP_FORMAT.test(timestamp)) return rejected('signature_invalid');

  const sentAt = Number(timestamp);
  const nowSeconds = Math.floor(ctx.now.getTime() / 1000);
  if (!Number.isFinite(nowSeconds)) return rejected('signature_invalid');
  if (Math.abs(nowSeconds - sentAt) > toleranceOf(ctx)) return rejected('timestamp_out_of_tolerance');

  // The package turns a Buffer into a UTF-8 string before signing; on bytes that are not UTF-8 that
  // is lossy (two bodies could share a signature), so such bodies are refused rather than guessed.
  if (!isUtf8(req.rawBody)) return rejected('signature_invalid');

  let expected: string;
  try {
    expected = new Webhook(secret).sign(id, new Date(sentAt * 1000), req.rawBody);
  } catch {
    return rejected('signature_invalid'); // a secret that is not base64 signs nothing
  }

  let matched = false;
  // Several entries during a secret rotation; other versions (e.g. `v1a`) are not ours to check.
  for (const entry of signatures.split(' ')) {
    if (entry.startsWith(SIGNATURE_VERSION)) matched = safeEqual(entry, expected) || matched;
  }
  if (!matched) return rejected('signature_invalid');
  return accepted();
}

function toleranceOf(ctx: StandardContext): number {
  const tolerance = ctx.toleranceSeconds;
  return typeof tolerance === 'number' && Number.isFinite(tolerance) && tolerance >= 0
    ? tolerance
    : DEFAULT_TOLERANCE_SECONDS;
}
