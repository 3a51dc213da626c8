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

const SIGNATURE_HEADER = 'x-hub-signature-256';
const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/i;
/** Meta's challenge is a short number; a cap keeps us from echoing arbitrary large input. */
const MAX_CHALLENGE_LENGTH = 1024;

/**
 * Meta Cloud API event POST: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, raw body)>`.
 * The HMAC runs over the received bytes: Meta escapes non-ASCII, so re-serialised JSON never matches.
 */
export function verifyMeta(secrets: SourceConfig | undefined, req: InboundRequest): Verification {
  // The media type is public knowledge, so it is checked first: a wrong one is 415 whoever sends it.
  if (!isJsonMediaType(req.contentType)) return rejected('content_type');
  const header = singleValue(req.headers, SIGNATURE_HEADER);
  if (header === undefined) return rejected('signature_missing');
  const appSecret = secrets?.appSecret;
  if (header === null || !isNonEmptyString(appSecret)) return rejected('signature_invalid');

  const match = SIGNATURE_FORMAT.exec(header.trim());
  if (!match) return rejected('signature_invalid');
  const expected = createHmac('sha256', appSecret).update(req.rawBody).digest('hex');
  if (!safeEqual(match[1].toLowerCase(), expected)) return rejected('signature_invalid');
  return accepted();
}

/**
 * The GET subscription handshake: `hub.mode=subscribe` with our verify token → echo `hub.challenge`.
 * The query keys contain literal dots, so they are read as flat names.
 */
export function metaChallenge(
  secrets: SourceConfig | undefined,
  query: InboundRequest['query'],
): string | undefined {
  const verifyToken = secrets?.verifyToken;
  if (!isNonEmptyString(verifyToken)) return undefined;
  if (singleValue(query, 'hub.mode') !== 'subscribe') return undefined;

  const token = singleValue(query, 'hub.verify_token');
  if (typeof token !== 'string' || !safeEqual(token, verifyToken)) return undefined;

  const challenge = singleValue(query, 'hub.challenge');
  if (typeof challenge !== 'string' || challenge.length > MAX_CHALLENGE_LENGTH) return undefined;
  return challenge;
}
