import type { ApiPropertyOptions } from '@nestjs/swagger';
import { randomToken, webhookSecret } from '../../platform/crypto/constant-time';
import { SecretBox } from '../../platform/crypto/secret-box';
import { FieldError } from '../../platform/http/problem';
import type { SourceKind, SourceSecrets } from '../verification/inbound-request';

export const SOURCE_KINDS: SourceKind[] = ['meta', 'twilio', 'zapi', 'waha', 'bitrix24', 'standard'];

interface KindSpec {
  required: string[];
  optional: string[];
  /** Shown masked after creation. */
  secrets: string[];
  /** Generated when omitted, and then shown once as `secret`. */
  generated?: { key: string; make: () => string };
}

/** The config keys of each kind, as the spec's contract details pin them. */
const SPECS: Record<SourceKind, KindSpec> = {
  meta: { required: ['appSecret', 'verifyToken'], optional: [], secrets: ['appSecret', 'verifyToken'] },
  twilio: { required: ['authToken'], optional: [], secrets: ['authToken'] },
  zapi: {
    required: [],
    optional: ['token'],
    secrets: ['token'],
    generated: { key: 'token', make: () => randomToken('', 24) },
  },
  waha: { required: ['hmacKey'], optional: [], secrets: ['hmacKey'] },
  bitrix24: { required: [], optional: ['applicationToken', 'memberId'], secrets: ['applicationToken'] },
  standard: {
    required: [],
    optional: ['secret'],
    secrets: ['secret'],
    generated: { key: 'secret', make: webhookSecret },
  },
};

export type SourceConfig = Record<string, string>;

/** What each config key is, for the document. */
const KEY_DOCS: Record<string, string> = {
  appSecret: "The Meta app's secret: checks X-Hub-Signature-256",
  verifyToken: "The token Meta's subscription handshake sends as hub.verify_token",
  authToken: "The Twilio account's auth token: checks X-Twilio-Signature",
  token: 'The secret path token Z-API posts to',
  hmacKey: "WAHA's HMAC key: checks X-Webhook-Hmac",
  applicationToken: "The Bitrix24 application's token, checked on each event",
  memberId: 'The Bitrix24 portal (member_id) events must come from',
  secret: 'The Standard Webhooks signing secret (whsec_...)',
};

/** The OpenAPI shape of a `kind` config, from the table above (validation stays below). */
export function sourceConfigSchema(kind: SourceKind): ApiPropertyOptions {
  const spec = SPECS[kind];
  const value = (key: string) =>
    ({ type: 'string', minLength: 1, maxLength: 500, description: KEY_DOCS[key] }) as const;
  const generated = spec.generated ? ` (${spec.generated.key}: generated when omitted)` : '';
  return {
    description: `The ${kind} source's verification settings${generated}`,
    type: 'object',
    properties: Object.fromEntries([...spec.required, ...spec.optional].map((key) => [key, value(key)])),
    required: spec.required,
    additionalProperties: false,
    selfRequired: true,
  };
}

/** Field errors (`config.appSecret`) for a config of `kind`; unknown keys are refused. */
export function validateSourceConfig(kind: SourceKind, config: unknown, partial = false): FieldError[] {
  const spec = SPECS[kind];
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    return [{ field: 'config', message: 'config must be an object' }];
  }
  const errors: FieldError[] = [];
  const known = [...spec.required, ...spec.optional];
  for (const [key, value] of Object.entries(config)) {
    if (!known.includes(key))
      errors.push({
        field: `config.${key}`,
        message: `${kind} sources take ${known.join(', ') || 'no config'}`,
      });
    else if (typeof value !== 'string' || value.length === 0 || value.length > 500) {
      errors.push({
        field: `config.${key}`,
        message: `config.${key} must be a non-empty string of at most 500 characters`,
      });
    }
  }
  if (kind === 'standard' && typeof (config as SourceConfig).secret === 'string') {
    if (!/^whsec_[A-Za-z0-9+/=]{16,}$/.test((config as SourceConfig).secret)) {
      errors.push({
        field: 'config.secret',
        message: 'secret must be whsec_ followed by base64 (at least 16 characters)',
      });
    }
  }
  if (!partial) {
    for (const key of spec.required) {
      if (!(key in config))
        errors.push({ field: `config.${key}`, message: `config.${key} is required for ${kind} sources` });
    }
  }
  return errors;
}

/** Fills generated secrets; returns the config and the secret to show once, if one was generated. */
export function completeSourceConfig(
  kind: SourceKind,
  config: SourceConfig,
): { config: SourceConfig; secret?: string } {
  const gen = SPECS[kind].generated;
  if (!gen || config[gen.key]) return { config };
  const secret = gen.make();
  return { config: { ...config, [gen.key]: secret }, secret };
}

export function maskSourceConfig(kind: SourceKind, config: SourceConfig): SourceConfig {
  const masked: SourceConfig = {};
  for (const [key, value] of Object.entries(config)) {
    masked[key] = SPECS[kind].secrets.includes(key) ? SecretBox.mask(value) : value;
  }
  return masked;
}

export function toSecrets(kind: SourceKind, config: SourceConfig): SourceSecrets {
  return { [kind]: config };
}
