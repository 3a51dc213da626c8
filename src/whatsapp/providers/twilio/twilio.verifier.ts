import { createHash, createHmac } from 'node:crypto';
import { parse as parseQuerystring, stringify as stringifyQuerystring } from 'node:querystring';
import type { SourceConfig } from '../../../events/sources/source-kind';
import { safeEqual } from '../../../platform/crypto/constant-time';
import type { InboundRequest, Verification } from '../../../events/verification/inbound-request';
import {
  accepted,
  FORM_MEDIA_TYPE,
  isJsonMediaType,
  isNonEmptyString,
  rejected,
  singleValue,
} from '../../../events/verification/request-fields';

const SIGNATURE_HEADER = 'x-twilio-signature';
const BODY_HASH_PARAM = 'bodySHA256';
const BODY_HASH_FORMAT = /^[0-9a-f]{64}$/i;

/** Form parameters by name, in the order received; a name may repeat. */
export type FormParams = Map<string, string[]>;

/**
 * Twilio: `X-Twilio-Signature` = base64 HMAC-SHA1(authToken, URL Twilio called + form params sorted
 * by name, each as name+value). JSON bodies are not signed param by param: the URL carries
 * `bodySHA256=<hex sha256(raw body)>`, the signature covers the URL alone and the hash covers the body.
 */
export function verifyTwilio(
  secrets: SourceConfig | undefined,
  req: InboundRequest,
  publicUrl: string,
): Verification {
  // Twilio posts forms, or JSON announced by bodySHA256; nothing else can be read downstream.
  const readable = req.contentType === FORM_MEDIA_TYPE || isJsonMediaType(req.contentType);
  if (req.rawBody.length > 0 && !readable) return rejected('content_type');

  const header = singleValue(req.headers, SIGNATURE_HEADER);
  if (header === undefined) return rejected('signature_missing');
  const authToken = secrets?.authToken;
  if (header === null || !isNonEmptyString(authToken)) return rejected('signature_invalid');

  const bodyHash = bodyHashParam(req.url);
  if (bodyHash === null) return rejected('signature_invalid');

  let params: FormParams;
  if (bodyHash !== undefined || req.rawBody.length === 0) {
    params = new Map(); // the body hash, or GET callbacks and empty POSTs: all that is signed is the URL
  } else if (req.contentType === FORM_MEDIA_TYPE) {
    params = parseForm(req.rawBody);
  } else {
    return rejected('signature_invalid'); // a JSON body without bodySHA256 is covered by nothing
  }

  const requestedUrl = joinUrl(publicUrl, req.url);
  const signature = header.trim();
  let matched = false;
  // Every variant is computed, so the time taken does not depend on which one matched.
  for (const url of candidateUrls(requestedUrl)) {
    matched = safeEqual(signature, twilioSignature(authToken, url, params)) || matched;
  }
  if (!matched) return rejected('signature_invalid');

  if (bodyHash !== undefined) {
    const actual = createHash('sha256').update(req.rawBody).digest('hex');
    if (!BODY_HASH_FORMAT.test(bodyHash) || !safeEqual(bodyHash.toLowerCase(), actual)) {
      return rejected('signature_invalid');
    }
  }
  return accepted();
}

/**
 * base64 HMAC-SHA1 over the URL followed by the form params sorted by name, each as name+value.
 * Exported so tests and fakes sign exactly the way this module verifies.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams = new Map()): string {
  let data = url;
  for (const name of [...params.keys()].sort()) {
    // twilio-node's rule for a repeated name: each distinct value once, values sorted.
    for (const value of [...new Set(params.get(name))].sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** `bodySHA256` from the query as received: undefined when absent, null when repeated. */
function bodyHashParam(url: string): string | null | undefined {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return undefined;
  const values = new URLSearchParams(url.slice(queryStart + 1)).getAll(BODY_HASH_PARAM);
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : null;
}

/** application/x-www-form-urlencoded, decoded the way Twilio encoded it (`+` is a space). */
export function parseForm(rawBody: Buffer): FormParams {
  const params: FormParams = new Map();
  for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    const values = params.get(name);
    if (values) values.push(value);
    else params.set(name, [value]);
  }
  return params;
}

function joinUrl(publicUrl: string, path: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return base + (path.startsWith('/') ? path : `/${path}`);
}

/**
 * The spellings of the URL Twilio may have signed: Twilio's back end is inconsistent about the
 * default port and about query encoding, so twilio-node's validateRequest accepts the URL without
 * the port, with the scheme's default port, and both again with the query re-encoded the legacy
 * way (Node `querystring.parse` then `stringify`). The URL exactly as received is tried too.
 */
export function candidateUrls(requestedUrl: string): Set<string> {
  const urls = new Set<string>([requestedUrl]);
  let parsed: URL;
  try {
    parsed = new URL(requestedUrl);
  } catch {
    return urls;
  }
  const withoutPort = new URL(parsed);
  withoutPort.port = '';
  const withPort = parsed.port
    ? parsed.toString()
    : `${parsed.protocol}//${parsed.host}:${parsed.protocol === 'https:' ? 443 : 80}${parsed.pathname}${parsed.search}`;
  for (const url of [withoutPort.toString(), withPort]) {
    urls.add(url);
    urls.add(withLegacyQuery(url));
  }
  return urls;
}

function withLegacyQuery(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const legacy = stringifyQuerystring(parseQuerystring(url.slice(queryStart + 1)));
  return `${url.slice(0, queryStart)}?${legacy}`;
}
