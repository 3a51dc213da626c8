import type { FieldError } from '../../platform/http/problem';
import { declareClass, definePluginPoint, type PluginPoint } from '../../platform/plugins/plugin-point';
import type { ConfigFields, ConfigValues } from '../../platform/sealed-config/config-fields';
import type { Channel } from '../channels';
import type { ProviderAdapter } from './provider-adapter';

/** A provider's kind: whose API it sends through (`meta`, `smtp`...). */
export type ProviderKind = string;

export type ProviderConfig = ConfigValues;

/**
 * The kinds the API publishes, in the order of the OpenAPI `kind` enum (see SOURCE_KINDS for why
 * it is static). Start-up checks it names exactly the declared kinds.
 */
export const PROVIDER_KINDS: readonly ProviderKind[] = [
  'meta',
  'twilio',
  'zapi',
  'waha',
  'sandbox',
  'smtp',
  'sendgrid',
];

/** What a provider kind declares besides its adapter (the class carrying the declaration). */
export interface ProviderKindOptions {
  /** The channels it sends on (Twilio: WhatsApp and SMS). */
  channels: readonly Channel[];
  /** The config keys of an account of this kind, validated on create and update. */
  config: ConfigFields;
  /** Added to the document's description of the config (`. Give from or messagingServiceSid`). */
  configNote?: string;
  /** Rules across keys, checked on the merged config. */
  crossCheck?: (config: ProviderConfig) => FieldError[];
  /**
   * The address its client will call, for the SSRF guard at save time, and the field to blame.
   * Default: `baseUrl` when given (the HTTP kinds default to the provider's public API).
   */
  target?: (config: ProviderConfig) => { url: string; field: string } | undefined;
  /** Sends per second when the account does not say (Meta's default throughput per number). */
  defaultRatePerSecond?: number;
  /** The source kind whose webhook URL receives its statuses, passed with each message (Twilio). */
  statusSourceKind?: string;
}

export const PROVIDER_KIND = definePluginPoint<ProviderAdapter, ProviderKindOptions>({
  title: 'provider kind',
  required: PROVIDER_KINDS,
  allowed: { names: PROVIDER_KINDS, where: 'PROVIDER_KINDS (src/notifications/providers/provider-kind.ts)' },
});

/**
 * `@ProviderKindPlugin('meta', { channels, config })` on a ProviderAdapter class: the module that
 * owns the provider declares it from the provider's folder; `notifications` only looks it up.
 */
export const ProviderKindPlugin = (kind: ProviderKind, options: ProviderKindOptions) =>
  // An adapter narrows its config's type (ProviderAdapter<MetaConfig>); it is handed the config
  // its kind's fields validated, so it is looked up as a plain ProviderAdapter.
  declareClass(PROVIDER_KIND as PluginPoint<ProviderAdapter<never>, ProviderKindOptions>, kind, options);
