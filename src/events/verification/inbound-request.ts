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

export interface VerificationContext {
  /** Public base URL, e.g. 'https://ponte.example.com', no trailing slash (Twilio signs the full URL). */
  publicUrl: string;
  now: Date;
  /** Standard Webhooks timestamp tolerance, both directions; 300 when omitted. */
  toleranceSeconds?: number;
}

export type RejectionReason =
  'signature_missing' | 'signature_invalid' | 'timestamp_out_of_tolerance' | 'token_invalid' | 'content_type';

export type Verification =
  // `learned`: config keys the request handed over, kept from then on (Bitrix24's token, from ONAPPINSTALL)
  { ok: true; learned?: Record<string, string> } | { ok: false; reason: RejectionReason };
