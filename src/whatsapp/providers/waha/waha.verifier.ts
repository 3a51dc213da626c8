import { createHmac } from 'node:crypto';
import type { SourceConfig } from '../../../events/sources/source-kind';
import { safeEqual } from '../../../platform/crypto/constant-time';
import type { InboundRequest, Verification } from '../../../events/verification/inbound-request';
import {
  accepted,
  isJsonMediaType,
  isNonEmptyString,
  rejected,
  singleValue,
} from '../../../events/verification/request-fields';

const SIGNATURE_HEADER = 'x-webhook-hmac';
const ALGORITHM_HEADER = 'x-webhook-hmac-algorithm';
const SIGNATURE_FORMAT = /^[0-9a-f]{128}$/i;

/**
 * WAHA: `X-Webhook-Hmac` = hex HMAC-SHA512(hmacKey, raw body), announced by
 * `X-Webhook-Hmac-Algorithm: sha512`. Only sha512 is accepted: honouring whatever algorithm the
 * request names would let a forger pick a weaker one.
 */
export function verifyWaha(secrets: SourceConfig | undefined, req: InboundRequest): Verification {
  if (!isJsonMediaType(req.contentType)) return rejected('content_type');
  const header = singleValue(req.headers, SIGNATURE_HEADER);
  if (header === undefined) return rejected('signature_missing');
  const hmacKey = secrets?.hmacKey;
  if (header === null || !isNonEmptyString(hmacKey)) return rejected('signature_invalid');

  // WAHA always sends the algorithm header; older builds may not, and sha512 is then the only option.
  const algorithm = singleValue(req.headers, ALGORITHM_HEADER);
  if (algorithm === null) return rejected('signature_invalid');
  if (algorithm !== undefined && algorithm.trim().toLowerCase() !== 'sha512') {
    return rejected('signature_invalid');
  }

  const signature = header.trim();
  if (!SIGNATURE_FORMAT.test(signature)) return rejected('signature_invalid');
  const expected = createHmac('sha512', hmacKey).update(req.rawBody).digest('hex');
  if (!safeEqual(signature.toLowerCase(), expected)) return rejected('signature_invalid');
  return accepted();
}
