import type { ApiPropertyOptions } from '@nestjs/swagger';
import { SecretBox } from '../../platform/crypto/secret-box';
import type { FieldError } from '../../platform/http/problem';
import { configSchema, maskConfig, validateConfig } from '../../platform/sealed-config/config-fields';
import type { DeclaredProviderKind } from './provider-adapters';
import type { ProviderConfig, ProviderKind, ProviderKindOptions } from './provider-kind';

/** Descriptions several kinds share, so the document says the same thing for the same key. */
export const SHARED_FIELD_DOCS = {
  baseUrl: "The provider API's base URL (tests and self-hosted gateways)",
  from: 'Sender: a phone number (E.164, whatsapp: for WhatsApp) or an e-mail address',
  apiKey: 'API key',
} as const;

/** The OpenAPI shape of a `kind` config, from the fields its kind declares. */
export function providerConfigSchema(kind: ProviderKind, options: ProviderKindOptions): ApiPropertyOptions {
  return configSchema(
    options.config,
    `The ${kind} account's settings; secrets are stored encrypted and shown masked${options.configNote ?? ''}`,
  );
}

/** Field errors (`config.accessToken`) for a config of `kind`; unknown keys are refused. */
export function validateProviderConfig(
  kind: DeclaredProviderKind,
  config: unknown,
  partial = false,
): FieldError[] {
  return validateConfig(kind.options.config, config, `${kind.kind} providers`, partial);
}

/** Rules across keys, checked on the merged config. */
export function crossCheckProviderConfig(kind: DeclaredProviderKind, config: ProviderConfig): FieldError[] {
  return kind.options.crossCheck?.(config) ?? [];
}

export function maskProviderConfig(
  kind: DeclaredProviderKind | undefined,
  config: ProviderConfig,
): ProviderConfig {
  if (kind) return maskConfig(kind.options.config, config);
  // A kind no longer declared: what is secret is unknown, so every value is masked.
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, SecretBox.mask(String(value))]),
  );
}

/**
 * The URL a provider's client will call, for the SSRF guard at save time: what the kind says,
 * else the `baseUrl` of the HTTP kinds (they default to the provider's public API when omitted).
 */
export function providerTarget(
  kind: DeclaredProviderKind,
  config: ProviderConfig,
): { url: string; field: string } | undefined {
  if (kind.options.target) return kind.options.target(config);
  return typeof config.baseUrl === 'string' ? { url: config.baseUrl, field: 'config.baseUrl' } : undefined;
}
