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

/**
 * Z-API signs nothing, so the only proof of origin is the unguessable `token` we put in the webhook
 * URL's query. (`Client-Token` authenticates our calls to Z-API, not Z-API's calls to us.)
 */
export function verifyZapi(secrets: SourceConfig | undefined, req: InboundRequest): Verification {
  if (!isJsonMediaType(req.contentType)) return rejected('content_type');
  const expected = secrets?.token;
  const token = singleValue(req.query, 'token');
  if (!isNonEmptyString(expected) || typeof token !== 'string' || !safeEqual(token, expected)) {
    return rejected('token_invalid');
  }
  return accepted();
}
