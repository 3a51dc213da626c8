/**
 * What a verifier sees of an inbound webhook: the exact bytes and the request line, before any
 * parsing, because every provider signs what it sent and not what a JSON parser gives back.
 */
export interface InboundRequest {
  method: 'GET' | 'POST';
  /** Path and query exactly as received, e.g. '/webhooks/acme?token=x' */
  url: string;
  headers: Record<string, string | string[] | undefined>; // lower-case names
  query: Record<string, string | string[] | undefined>;
  rawBody: Buffer; // the exact bytes (empty for GET)
  contentType: string; // lower-case media type without parameters, '' if none
}

export type SourceKind = 'meta' | 'twilio' | 'zapi' | 'waha' | 'bitrix24' | 'standard';

/** The decrypted source config: only the part of it that authenticates requests. */
export interface SourceSecrets {
  meta?: { appSecret: string; verifyToken: string };
  twilio?: { authToken: string };
  zapi?: { token: string };
  waha?: { hmacKey: string };
  bitrix24?: { applicationToken?: string; memberId?: string };
  standard?: { secret: string }; // 'whsec_...'
}

export type RejectionReason =
  'signature_missing' | 'signature_invalid' | 'timestamp_out_of_tolerance' | 'token_invalid' | 'content_type';

export type Verification =
  | { ok: true; learned?: { applicationToken: string } } // bitrix24 learned its token from ONAPPINSTALL
  | { ok: false; reason: RejectionReason };
