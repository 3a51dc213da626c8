import { verifyBitrix24 } from './bitrix24.verifier';
import type {
  InboundRequest,
  RejectionReason,
  SourceKind,
  SourceSecrets,
  Verification,
} from './inbound-request';
import { metaChallenge, verifyMeta } from '../../whatsapp/providers/meta/meta.verifier';
import { rejected } from './request-fields';
import { verifyStandard } from './standard.verifier';
import { verifyTwilio } from '../../whatsapp/providers/twilio/twilio.verifier';
import { verifyWaha } from '../../whatsapp/providers/waha/waha.verifier';
import { verifyZapi } from '../../whatsapp/providers/zapi/zapi.verifier';

export { parseBitrixForm } from './bitrix24.verifier';

export interface VerificationContext {
  /** Public base URL, e.g. 'https://ponte.example.com', no trailing slash (Twilio signs the full URL). */
  publicUrl: string;
  now: Date;
  /** Standard Webhooks timestamp tolerance, both directions; 300 when omitted. */
  toleranceSeconds?: number;
}

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
 * Decides whether an inbound webhook really comes from the source's provider. Fails closed: an
 * unknown kind, a missing secret, a malformed request or any exception is a rejection, never a throw,
 * so a bug here can only cost a delivery (which the provider retries), never let a forgery in.
 */
export function verifyWebhook(
  kind: SourceKind,
  secrets: SourceSecrets,
  req: InboundRequest,
  ctx: VerificationContext,
): Verification {
  try {
    if (!isWellFormed(req)) return rejected('signature_invalid');
    const config: SourceSecrets = secrets ?? {};
    switch (kind) {
      case 'meta':
        return verifyMeta(config.meta, req);
      case 'twilio':
        if (typeof ctx.publicUrl !== 'string' || ctx.publicUrl === '') return rejected('signature_invalid');
        return verifyTwilio(config.twilio, req, ctx.publicUrl);
      case 'zapi':
        return verifyZapi(config.zapi, req);
      case 'waha':
        return verifyWaha(config.waha, req);
      case 'bitrix24':
        return verifyBitrix24(config.bitrix24, req);
      case 'standard':
        return verifyStandard(config.standard, req, ctx);
      default:
        return unknownKind(kind);
    }
  } catch {
    return rejected('signature_invalid');
  }
}

/** Meta GET handshake: the challenge to echo as text/plain, or undefined (→ 403/401 by the caller). */
export function metaHandshake(secrets: SourceSecrets, query: InboundRequest['query']): string | undefined {
  try {
    return metaChallenge(secrets?.meta, query);
  } catch {
    return undefined;
  }
}

function unknownKind(_kind: never): Verification {
  return rejected('signature_invalid');
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
