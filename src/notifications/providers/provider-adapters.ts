import { Injectable, OnModuleInit } from '@nestjs/common';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import type { Channel } from '../channels';
import type { ProviderAdapter } from './provider-adapter';
import { PROVIDER_KIND, PROVIDER_KINDS, type ProviderKind, type ProviderKindOptions } from './provider-kind';

export interface DeclaredProviderKind {
  kind: ProviderKind;
  adapter: ProviderAdapter;
  options: ProviderKindOptions;
}

/** The adapter and settings of each provider kind, as the modules declared them (`@ProviderKindPlugin`). */
@Injectable()
export class ProviderAdapters implements OnModuleInit {
  private byKind = new Map<ProviderKind, DeclaredProviderKind>();

  constructor(private readonly plugins: PluginRegistry) {}

  onModuleInit(): void {
    // In the published order, so lists and messages read as the API's enum does.
    const rank = (kind: string) => PROVIDER_KINDS.indexOf(kind);
    const declared = [...this.plugins.get(PROVIDER_KIND)].sort((a, b) => rank(a.name) - rank(b.name));
    this.byKind = new Map(
      declared.map((d) => [d.name, { kind: d.name, adapter: d.handler, options: d.options }]),
    );
  }

  get(kind: ProviderKind): ProviderAdapter {
    const found = this.byKind.get(kind);
    if (!found) throw new Error(`No adapter for provider kind ${kind}`);
    return found.adapter;
  }

  find(kind: ProviderKind): DeclaredProviderKind | undefined {
    return this.byKind.get(kind);
  }

  /** The kinds that send on `channel`. */
  kindsOf(channel: Channel): ProviderKind[] {
    return [...this.byKind.values()].filter((k) => k.options.channels.includes(channel)).map((k) => k.kind);
  }
}
