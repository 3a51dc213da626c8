import type { ApiPropertyOptions } from '@nestjs/swagger';
import { SecretBox } from '../crypto/secret-box';
import type { FieldError } from '../http/problem';

export type ConfigFieldType = 'string' | 'url' | 'port' | 'boolean' | 'apiVersion';

/** One key of a kind's config: its type, what it is (for the document) and how it is kept. */
export interface ConfigField {
  type: ConfigFieldType;
  /** What the key is; the OpenAPI document shows it. */
  description: string;
  required?: boolean;
  /** Shown masked after creation. */
  secret?: boolean;
  /** Made when omitted on create, and then shown once (a signing secret, a URL token). */
  generate?: () => string;
}

/** The config keys of one kind, in the order the document lists them. */
export type ConfigFields = Readonly<Record<string, ConfigField>>;

export type ConfigValues = Record<string, string | number | boolean>;

const FIELD_SCHEMAS: Record<ConfigFieldType, ApiPropertyOptions> = {
  string: { type: 'string', minLength: 1, maxLength: 500 },
  url: { type: 'string', format: 'uri', maxLength: 500 },
  port: { type: 'integer', minimum: 1, maximum: 65535 },
  boolean: { type: 'boolean' },
  apiVersion: { type: 'string', pattern: '^v\\d+\\.\\d+$', example: 'v23.0' },
};

/** The OpenAPI shape of a config with these fields (the validation below is what is enforced). */
export function configSchema(fields: ConfigFields, description: string): ApiPropertyOptions {
  const entries = Object.entries(fields);
  return {
    description,
    type: 'object',
    properties: Object.fromEntries(
      entries.map(([key, field]) => [key, { ...FIELD_SCHEMAS[field.type], description: field.description }]),
    ),
    required: entries.filter(([, field]) => field.required).map(([key]) => key),
    additionalProperties: false,
    selfRequired: true,
  };
}

function typeError(type: ConfigFieldType, value: unknown): string | undefined {
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

/**
 * Field errors (`config.accessToken`) for a config with these fields; unknown keys are refused.
 * `owner` names what the config belongs to in messages (`meta providers`); `partial` (an update's
 * changes) does not ask for the required keys.
 */
export function validateConfig(
  fields: ConfigFields,
  config: unknown,
  owner: string,
  partial = false,
): FieldError[] {
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    return [{ field: 'config', message: 'config must be an object' }];
  }
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(config)) {
    const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (!field) {
      errors.push({
        field: `config.${key}`,
        message: `${owner} take ${Object.keys(fields).join(', ') || 'no config'}`,
      });
      continue;
    }
    const problem = typeError(field.type, value);
    if (problem) errors.push({ field: `config.${key}`, message: `config.${key} ${problem}` });
  }
  if (!partial) {
    for (const [key, field] of Object.entries(fields)) {
      if (field.required && !(key in config))
        errors.push({ field: `config.${key}`, message: `config.${key} is required for ${owner}` });
    }
  }
  return errors;
}

/** Fills the first generated key left out; returns the config and that value, to show once. */
export function completeConfig<C extends ConfigValues>(
  fields: ConfigFields,
  config: C,
): { config: C; generated?: string } {
  for (const [key, field] of Object.entries(fields)) {
    if (!field.generate || config[key]) continue;
    const generated = field.generate();
    return { config: { ...config, [key]: generated }, generated };
  }
  return { config };
}

/** The config with its secret keys masked (`••••a1b2`), for views. */
export function maskConfig<C extends ConfigValues>(fields: ConfigFields, config: C): C {
  const masked: ConfigValues = {};
  for (const [key, value] of Object.entries(config)) {
    masked[key] = Object.hasOwn(fields, key) && fields[key].secret ? SecretBox.mask(String(value)) : value;
  }
  return masked as C;
}
