import type { ApiPropertyOptions } from '@nestjs/swagger';
import { SecretBox } from '../../platform/crypto/secret-box';
import type { FieldError } from '../../platform/http/problem';
import {
  completeConfig,
  configSchema,
  maskConfig,
  validateConfig,
  type ConfigFields,
} from '../../platform/sealed-config/config-fields';
import type { DeclaredSourceKind, SourceConfig, SourceKind } from './source-kind';

/** The OpenAPI shape of a `kind` config, from the fields its kind declares. */
export function sourceConfigSchema(kind: SourceKind, fields: ConfigFields): ApiPropertyOptions {
  const generated = Object.entries(fields).find(([, field]) => field.generate);
  const note = generated ? ` (${generated[0]}: generated when omitted)` : '';
  return configSchema(fields, `The ${kind} source's verification settings${note}`);
}

/**
 * Field errors (`config.appSecret`) for a config of `kind`; unknown keys are refused. The kind's
 * own rules (`checkConfig`) run on a whole, well-formed config: an update's changes are checked
 * here with `partial`, then merged and checked whole with `checkWholeSourceConfig`.
 */
export function validateSourceConfig(
  kind: DeclaredSourceKind,
  config: unknown,
  partial = false,
): FieldError[] {
  const errors = validateConfig(kind.config, config, `${kind.kind} sources`, partial);
  if (errors.length || partial) return errors;
  return checkWholeSourceConfig(kind, config as SourceConfig);
}

/** The kind's own rules on a whole config (may throw the kind's 422 problem). */
export function checkWholeSourceConfig(kind: DeclaredSourceKind, config: SourceConfig): FieldError[] {
  return kind.handler.checkConfig?.(config) ?? [];
}

/** Fills a generated secret; returns the config and the secret to show once, if one was generated. */
export function completeSourceConfig(
  kind: DeclaredSourceKind,
  config: SourceConfig,
): { config: SourceConfig; secret?: string } {
  const { config: complete, generated } = completeConfig(kind.config, config);
  return generated === undefined ? { config: complete } : { config: complete, secret: generated };
}

/** Secrets masked; every key is, for a kind no longer declared (what is secret is unknown). */
export function maskSourceConfig(kind: DeclaredSourceKind | undefined, config: SourceConfig): SourceConfig {
  if (kind) return maskConfig(kind.config, config);
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, SecretBox.mask(String(value))]),
  );
}
