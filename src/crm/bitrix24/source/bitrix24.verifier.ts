import type { SourceConfig } from '../../../events/sources/source-kind';
import { parse } from 'qs';
import { safeEqual } from '../../../platform/crypto/constant-time';
import type { InboundRequest, Verification } from '../../../events/verification/inbound-request';
import {
  accepted,
  FORM_MEDIA_TYPE,
  isNonEmptyString,
  rejected,
} from '../../../events/verification/request-fields';

const INSTALL_EVENT = 'ONAPPINSTALL';

/**
 * Bounds for the PHP-bracket form Bitrix24 posts. Depth 6, not 5: the deepest key Bitrix sends,
 * `data[MESSAGES][0][message][files][0][type]`, has six bracket levels, and qs keeps anything
 * deeper as a literal `[type]` key.
 */
const FORM_LIMITS = { depth: 6, parameterLimit: 1000, arrayLimit: 100 } as const;

/**
 * Bitrix24 posts `application/x-www-form-urlencoded` with PHP bracket keys (`auth[member_id]=...`),
 * even where its docs show JSON. Shared with the normaliser so both read the body the same way.
 */
export function parseBitrixForm(raw: Buffer): Record<string, unknown> {
  return parse(raw.toString('utf8'), FORM_LIMITS);
}

/**
 * Bitrix24 signs nothing: every event carries `auth[application_token]`, a per-install secret we
 * compare with the stored one (and `auth[member_id]`, the portal id, when one is pinned). A source
 * created before the app is installed has no token yet: it is learned, once, from `ONAPPINSTALL`.
 * That first event is trusted on first use, which is why pinning `memberId` is worth doing.
 */
export function verifyBitrix24(secrets: SourceConfig | undefined, req: InboundRequest): Verification {
  // The token lives in the body, so a body we cannot read as a form cannot be authenticated.
  if (req.contentType !== FORM_MEDIA_TYPE) return rejected('content_type');

  const form = parseBitrixForm(req.rawBody);
  const auth = isRecord(form.auth) ? form.auth : {};
  const token = auth.application_token;
  const memberId = auth.member_id;
  if (!isNonEmptyString(token)) return rejected('token_invalid');

  const pinnedMember = secrets?.memberId;
  if (isNonEmptyString(pinnedMember) && !(isNonEmptyString(memberId) && safeEqual(memberId, pinnedMember))) {
    return rejected('token_invalid');
  }

  const storedToken = secrets?.applicationToken;
  if (isNonEmptyString(storedToken)) {
    return safeEqual(token, storedToken) ? accepted() : rejected('token_invalid');
  }

  // No token stored yet: only the install event may introduce one; anything else is unauthenticated.
  const event = form.event;
  if (typeof event === 'string' && event.trim().toUpperCase() === INSTALL_EVENT) {
    return { ok: true, learned: { applicationToken: token } };
  }
  return rejected('token_invalid');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
