import type { ApiPropertyOptions } from '@nestjs/swagger';
import { SecretBox } from '../../platform/crypto/secret-box';
import type { FieldError } from '../../platform/http/problem';
import type { ProviderKind } from './provider.entity';

type FieldType = 'string' | 'url' | 'port' | 'boolean' | 'apiVersion';

interface FieldSpec {
  type: FieldType;
  required?: boolean;
  /** Shown masked after creation. */
  secret?: boolean;
}

/** The config keys of each kind, as the spec's contract details pin them. */
const SPECS: Record<ProviderKind, Record<string, FieldSpec>> = {
  meta: {
    accessToken: { type: 'string', required: true, secret: true },
    phoneNumberId: { type: 'string', required: true },
    apiVersion: { type: 'apiVersion' },
    baseUrl: { type: 'url' },
  },
  twilio: {
    accountSid: { type: 'string', required: true },
    authToken: { type: 'string', required: true, secret: true },
    from: { type: 'string' },
    messagingServiceSid: { type: 'string' },
    baseUrl: { type: 'url' },
  },
  zapi: {
    instanceId: { type: 'string', required: true },
    token: { type: 'string', required: true, secret: true },
    clientToken: { type: 'string', required: true, secret: true },
    baseUrl: { type: 'url' },
  },
  waha: {
    baseUrl: { type: 'url', required: true },
    apiKey: { type: 'string', required: true, secret: true },
    session: { type: 'string', required: true },
  },
  sendgrid: {
    apiKey: { type: 'string', required: true, secret: true },
    from: { type: 'string', required: true },
    baseUrl: { type: 'url' },
  },
  smtp: {
    host: { type: 'string', required: true },
    port: { type: 'port', required: true },
    secure: { type: 'boolean', required: true },
    user: { type: 'string' },
    pass: { type: 'string', secret: true },
    from: { type: 'string', required: true },
  },
  sandbox: {},
};

export type ProviderConfig = Record<string, string | number | boolean>;

const FIELD_SCHEMAS: Record<FieldType, ApiPropertyOptions> = {
  string: { type: 'string', minLength: 1, maxLength: 500 },
  url: { type: 'string', format: 'uri', maxLength: 500 },
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  boolean: { type: 'boolean' },
  apiVersion: { type: 'string', pattern: '^v\\d+\\.\\d+$', example: 'v23.0' },
};

/** What each config key is, for the document. */
const KEY_DOCS: Record<string, string> = {
  accessToken: 'Meta system-user access token',
  phoneNumberId: 'The WhatsApp Business phone number id',
  apiVersion: 'Graph API version',
  baseUrl: "The provider API's base URL (tests and self-hosted gateways)",
  accountSid: 'Twilio account SID (AC...)',
  authToken: 'Twilio auth token',
  from: 'Sender: a phone number (E.164, whatsapp: for WhatsApp) or an e-mail address',
  messagingServiceSid: 'Twilio Messaging Service SID (MG...), instead of from',
  instanceId: 'Z-API instance id',
  token: 'Z-API instance token',
  clientToken: 'Z-API account security token (Client-Token header)',
  apiKey: 'API key',
  session: 'WAHA session name',
  host: 'SMTP server host',
  port: 'SMTP server port',
  secure: 'TLS from the start (port 465) rather than STARTTLS',
  user: 'SMTP user',
  pass: 'SMTP password',
};

/** The OpenAPI shape of a `kind` config, from the table above (validation stays below). */
export function providerConfigSchema(kind: ProviderKind): ApiPropertyOptions {
  const fields = Object.entries(SPECS[kind]);
  return {
    description: `The ${kind} account's settings; secrets are stored encrypted and shown masked${
      kind === 'twilio' ? '. Give from or messagingServiceSid' : ''
    }`,
    type: 'object',
    properties: Object.fromEntries(
      fields.map(([key, field]) => [key, { ...FIELD_SCHEMAS[field.type], description: KEY_DOCS[key] }]),
    ),
    required: fields.filter(([, field]) => field.required).map(([key]) => key),
    additionalProperties: false,
    selfRequired: true,
  };
}

function typeError(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'port':
      return Number.isInteger(value) && (value as number) > 0 && (value as number) < 65536
        ? undefined
        : 'must be a port number (1-65535)';
    case 'apiVersion':
      return typeof value === 'string' && /^v\d+\.\d+$/.test(value) ? undefined : 'must look like v23.0';
    case 'url':
      return typeof value === 'string' && /^https?:\/\/\S+$/.test(value) && value.length <= 500
        ? undefined
        : 'must be an http(s) URL';
    default:
      return typeof value === 'string' && value.length > 0 && value.length <= 500
        ? undefined
        : 'must be a non-empty string of at most 500 characters';
  }
}

/** Field errors (`config.accessToken`) for a config of `kind`; unknown keys are refused. */
export function validateProviderConfig(kind: ProviderKind, config: unknown, partial = false): FieldError[] {
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    return [{ field: 'config', message: 'config must be an object' }];
  }
  const spec = SPECS[kind];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(config)) {
    const field = spec[key];
    if (!field) {
      errors.push({
        field: `config.${key}`,
        message: `${kind} providers take ${Object.keys(spec).join(', ') || 'no config'}`,
      });
      continue;
    }
    const problem = typeError(field.type, value);
    if (problem) errors.push({ field: `config.${key}`, message: `config.${key} ${problem}` });
  }
  if (!partial) {
    for (const [key, field] of Object.entries(spec)) {
      if (field.required && !(key in config))
        errors.push({ field: `config.${key}`, message: `config.${key} is required for ${kind} providers` });
    }
  }
  return errors;
}

/** `no-reply@x.com` or `Ponte <no-reply@x.com>`. */
const MAILBOX = /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

/** Rules across keys, checked on the merged config. */
export function crossCheckProviderConfig(kind: ProviderKind, config: ProviderConfig): FieldError[] {
  if (kind === 'twilio' && !config.from && !config.messagingServiceSid)
    return [{ field: 'config.from', message: 'twilio providers need from or messagingServiceSid' }];
  if (kind === 'sendgrid' && typeof config.from === 'string' && !MAILBOX.test(config.from.trim()))
    return [{ field: 'config.from', message: 'config.from must be an address or "Name <address>"' }];
  return [];
}

export function maskProviderConfig(kind: ProviderKind, config: ProviderConfig): ProviderConfig {
  const masked: ProviderConfig = {};
  for (const [key, value] of Object.entries(config)) {
    masked[key] = SPECS[kind][key]?.secret ? SecretBox.mask(String(value)) : value;
  }
  return masked;
}

/**
 * The URL a provider's client will call, for the SSRF guard at save time: the SMTP host, else the
 * `baseUrl` of the HTTP kinds (WAHA's is required, it is self-hosted; the others default to the
 * provider's public API when it is omitted).
 */
export function providerTargetUrl(kind: ProviderKind, config: ProviderConfig): string | undefined {
  if (kind === 'smtp') return `http://${String(config.host)}:${Number(config.port)}`;
  return typeof config.baseUrl === 'string' ? config.baseUrl : undefined;
}
