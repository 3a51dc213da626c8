import type { SourceConfig, SourceKindHandler } from '../sources/source-kind';
import type { InboundRequest, RejectionReason, Verification, VerificationContext } from './inbound-request';
import { rejected } from './request-fields';

export type { VerificationContext } from './inbound-request';

/** How each rejection is answered (problem+json `code`); see the contract table in the spec. */
export const REJECTION_STATUS: Record<
  RejectionReason,
  { status: 401 | 415; code: 'SIGNATURE_INVALID' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'UNSUPPORTED_MEDIA_TYPE' }
> = {
  signature_missing: { status: 401, code: 'SIGNATURE_INVALID' },
  signature_invalid: { status: 401, code: 'SIGNATURE_INVALID' },
  token_invalid: { status: 401, code: 'SIGNATURE_INVALID' },
  timestamp_out_of_tolerance: { status: 401, code: 'TIMESTAMP_OUT_OF_TOLERANCE' },
  content_type: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
};

/**
 * Decides whether an inbound webhook really comes from the source's provider, with the verifier
 * its kind declared. Fails closed: an undeclared kind, a missing secret, a malformed request or
 * any exception is a rejection, never a throw, so a bug here can only cost a delivery (which the
 * provider retries), never let a forgery in.
 */
export function verifyWebhook(
  kind: SourceKindHandler | undefined,
  config: SourceConfig,
  req: InboundRequest,
  ctx: VerificationContext,
): Verification {
  try {
    if (!kind || !isWellFormed(req)) return rejected('signature_invalid');
    return kind.verify(config ?? {}, req, ctx);
  } catch {
    return rejected('signature_invalid');
  }
}

/** A GET subscription handshake: the challenge to echo as text/plain, or undefined (→ 403/401 by the caller). */
export function answerHandshake(
  kind: SourceKindHandler | undefined,
  config: SourceConfig,
  query: InboundRequest['query'],
): string | undefined {
  try {
    return kind?.handshake?.(config ?? {}, query);
  } catch {
    return undefined;
  }
}

/** The shape the verifiers rely on; a caller bug should be a rejection, not a crash mid-compare. */
function isWellFormed(req: InboundRequest | undefined): boolean {
  return (
    typeof req === 'object' &&
    req !== null &&
    Buffer.isBuffer(req.rawBody) &&
    typeof req.url === 'string' &&
    typeof req.contentType === 'string' &&
    typeof req.headers === 'object' &&
    req.headers !== null
  );
}
