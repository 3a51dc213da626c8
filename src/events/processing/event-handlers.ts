import { Injectable, OnModuleInit } from '@nestjs/common';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';

/** What a handler receives: the stored event. */
export interface StoredEvent {
  id: string;
  workspaceId: string;
  sourceId: string | null;
  type: string;
  occurredAt: Date;
  receivedAt: Date;
  data: Record<string, unknown>;
  attempts: number;
}

export type EventHandler = (event: StoredEvent) => Promise<void>;

/** `lead.*` matches `lead.created`; `*` matches everything. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

/** `@OnEvent('deliveries.fanout', '*')`: a provider method `(event) => Promise<void>` run on processed events. */
export const EVENT_SUBSCRIPTION = definePluginPoint<EventHandler, { pattern: string; enrich?: boolean }>({
  title: 'event subscription',
});

/**
 * Subscribes the method to the events whose type matches `pattern`. `enrich` handlers run before
 * the others and may add fields to `event.data` (persisting them themselves), so that deliveries
 * and workflows see the enriched event.
 */
export const OnEvent = (name: string, pattern: string, options: { enrich?: boolean } = {}) =>
  declare(EVENT_SUBSCRIPTION, name, { pattern, ...options });

/**
 * Runs the declared subscribers (deliveries fan out, workflows start, the CRM bridges messages).
 * Handlers must be idempotent: an attempt that fails runs every handler again.
 */
@Injectable()
export class EventHandlers implements OnModuleInit {
  private handlers: Array<{ name: string; pattern: string; handle: EventHandler; enrich: boolean }> = [];

  constructor(private readonly plugins: PluginRegistry) {}

  onModuleInit(): void {
    const all = this.plugins.get(EVENT_SUBSCRIPTION).map((d) => ({
      name: d.name,
      pattern: d.options.pattern,
      handle: d.handler,
      enrich: d.options.enrich ?? false,
    }));
    this.handlers = [...all.filter((h) => h.enrich), ...all.filter((h) => !h.enrich)];
  }

  async dispatch(event: StoredEvent): Promise<void> {
    for (const h of this.handlers) {
      if (!matchesEventType(h.pattern, event.type)) continue;
      try {
        await h.handle(event);
      } catch (err) {
        throw new Error(`${h.name}: ${(err as Error).message}`, { cause: err });
      }
    }
  }
}
