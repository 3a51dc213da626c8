import { createHmac } from 'node:crypto';
import { safeEqual } from '../../../platform/crypto/constant-time';
import type { InboundRequest, Verification } from '../../verification/inbound-request';
import { accepted, isJsonMediaType, rejected, singleValue } from '../../verification/request-fields';
import type { SourceConfig } from '../source-kind';

/**
 * A `json` source's request: a JSON body, and the credential its config asks for (a header token,
 * HTTP Basic or an HMAC of the raw body in a header). Every compare is constant-time; a config
 * missing what its mode needs refuses everything.
 */
export function verifyJson(config: SourceConfig, req: InboundRequest): Verification {
  if (!isJsonMediaType(req.contentType)) return rejected('content_type');
  switch (config.auth) {
    case 'header':
      return verifyToken(config, req);
    case 'basic':
      return verifyBasic(config, req);
    case 'hmac':
      return verifyHmac(config, req);
    default:
      return rejected('signature_invalid');
  }
}

function verifyToken(config: SourceConfig, req: InboundRequest): Verification {
  const offered = headerOf(config, req);
  if (offered === undefined) return rejected('signature_missing');
  return offered !== null && safeEqual(offered, config.token) ? accepted() : rejected('token_invalid');
}

function verifyBasic(config: SourceConfig, req: InboundRequest): Verification {
  const header = singleValue(req.headers, 'authorization');
  if (header === undefined) return rejected('signature_missing');
  const match = header === null ? null : /^basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!match) return rejected('token_invalid');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return rejected('token_invalid');
  // Both compared, whichever differs: the answer's time says nothing about which one was wrong.
  const user = safeEqual(decoded.slice(0, colon), config.username);
  const password = safeEqual(decoded.slice(colon + 1), config.password);
  return user && password ? accepted() : rejected('token_invalid');
}

function verifyHmac(config: SourceConfig, req: InboundRequest): Verification {
  const offered = headerOf(config, req);
  if (offered === undefined) return rejected('signature_missing');
  if (offered === null || !config.secret) return rejected('signature_invalid');
  const encoding = config.encoding === 'base64' ? 'base64' : 'hex';
  const digest = createHmac(config.algorithm || 'sha256', config.secret)
    .update(req.rawBody)
    .digest(encoding);
  const expected = `${config.prefix ?? ''}${digest}`;
  // Hex is case-blind (senders write it either way); base64 is not.
  const ok =
    encoding === 'hex'
      ? safeEqual(offered.trim().toLowerCase(), expected.toLowerCase())
      : safeEqual(offered.trim(), expected);
  return ok ? accepted() : rejected('signature_invalid');
}

function headerOf(config: SourceConfig, req: InboundRequest): string | null | undefined {
  if (!config.headerName) return null;
  return singleValue(req.headers, config.headerName.toLowerCase());
}
