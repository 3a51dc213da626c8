import { Injectable, OnModuleInit } from '@nestjs/common';
import type { FieldError } from '../../platform/http/problem';
import { declareClass, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import type { ConfigFields } from '../../platform/sealed-config/config-fields';
import type { NormaliseInput } from '../normalisers/canonical-event';
import type { Normalised } from '../normalisers/event-builders';
import type { InboundRequest, Verification, VerificationContext } from '../verification/inbound-request';

/** A source's kind: which provider or system posts to it (`meta`, `standard`...). */
export type SourceKind = string;

/** A source's decrypted config: the kind's keys (secrets included), all strings. */
export type SourceConfig = Record<string, string>;

/**
 * The kinds the API publishes, in the order of the OpenAPI `kind` enum. The document is built
 * from the code without instantiating anything, so the enum is this static list; start-up checks
 * that it names exactly the declared kinds (a kind declared but not listed, or listed but not
 * declared, stops the start). Adding a kind is an API change: add it here and run `npm run openapi`.
 */
export const SOURCE_KINDS: readonly SourceKind[] = [
  'meta',
  'twilio',
  'zapi',
  'waha',
  'bitrix24',
  'standard',
  'json',
];

/**
 * What one kind of source does with an inbound webhook. Implemented by a provider class in the
 * kind's own folder (`whatsapp/providers/meta/`), declared with `@SourceKindPlugin`.
 */
export interface SourceKindHandler {
  /**
   * Whether the request really comes from the source's provider. `config` may be empty or
   * partial (fail closed); a throw counts as a rejection.
   */
  verify(config: SourceConfig, req: InboundRequest, ctx: VerificationContext): Verification;
  /**
   * Async work on a verified payload that needs the source's config (the json kind's JSONata
   * expressions); its answer reaches `normalise` as `input.prepared`. A throw counts as no answer.
   */
  prepare?(config: SourceConfig, input: NormaliseInput): Promise<unknown>;
  /** The payload's canonical events; yields UNRECOGNISED for parts it cannot read. Lazy. */
  normalise(input: NormaliseInput): Iterable<Normalised>;
  /** A GET subscription handshake (Meta): the challenge to echo, or undefined to refuse. */
  handshake?(config: SourceConfig, query: InboundRequest['query']): string | undefined;
  /** What to store of a payload no normaliser reads (Bitrix24's carry credentials to leave out). */
  unknownPayload?(input: NormaliseInput): unknown;
  /**
   * Rules beyond the field spec, on the whole config (an update's: merged with the stored one).
   * May throw a ProblemException for a well-formed config that cannot work (json: 422).
   */
  checkConfig?(config: SourceConfig): FieldError[];
  /** The URL shown once on create, when the URL itself carries the secret (Z-API's token). */
  urlOnCreate?(url: string, config: SourceConfig): string;
  /** The body an accepted webhook is answered with, where the provider expects one (TwiML). */
  readonly acknowledgement?: { contentType: string; body: string };
}

export interface SourceKindOptions {
  /** The config keys a source of this kind takes, validated on create and update. */
  config: ConfigFields;
}

export const SOURCE_KIND = definePluginPoint<SourceKindHandler, SourceKindOptions>({
  title: 'source kind',
  required: SOURCE_KINDS,
  allowed: { names: SOURCE_KINDS, where: 'SOURCE_KINDS (src/events/sources/source-kind.ts)' },
});

/**
 * `@SourceKindPlugin('meta', { config })` on a provider class implementing SourceKindHandler:
 * the module that owns the kind declares it from the kind's folder; `events` only looks it up.
 */
export const SourceKindPlugin = (kind: SourceKind, options: SourceKindOptions) =>
  declareClass(SOURCE_KIND, kind, options);

export interface DeclaredSourceKind {
  kind: SourceKind;
  handler: SourceKindHandler;
  config: ConfigFields;
}

/** The declared source kinds, found at start-up. */
@Injectable()
export class SourceKinds implements OnModuleInit {
  private byKind = new Map<SourceKind, DeclaredSourceKind>();

  constructor(private readonly plugins: PluginRegistry) {}

  onModuleInit(): void {
    // In the published order, so lists and messages read as the API's enum does.
    const rank = (kind: string) => SOURCE_KINDS.indexOf(kind);
    const declared = [...this.plugins.get(SOURCE_KIND)].sort((a, b) => rank(a.name) - rank(b.name));
    this.byKind = new Map(
      declared.map((d) => [d.name, { kind: d.name, handler: d.handler, config: d.options.config }]),
    );
  }

  /** Undefined for a kind nobody declares (a row from a build that had it): callers fail closed. */
  find(kind: SourceKind): DeclaredSourceKind | undefined {
    return this.byKind.get(kind);
  }

  names(): SourceKind[] {
    return [...this.byKind.keys()];
  }
}
