import { Injectable } from '@nestjs/common';

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

/**
 * Other modules subscribe here to processed events (deliveries fan out, workflows start, the CRM
 * bridges messages). Handlers must be idempotent: an attempt that fails runs every handler again.
 */
@Injectable()
export class EventHandlers {
  private readonly handlers: Array<{ name: string; pattern: string; handle: EventHandler; enrich: boolean }> =
    [];

  /**
   * `enrich` handlers run before the others and may add fields to `event.data` (persisting them
   * themselves), so that deliveries and workflows see the enriched event.
   */
  subscribe(name: string, pattern: string, handle: EventHandler, options: { enrich?: boolean } = {}): void {
    if (this.handlers.some((h) => h.name === name))
      throw new Error(`Event handler "${name}" is subscribed twice`);
    const entry = { name, pattern, handle, enrich: options.enrich ?? false };
    const firstPlain = this.handlers.findIndex((h) => !h.enrich);
    if (entry.enrich && firstPlain >= 0) this.handlers.splice(firstPlain, 0, entry);
    else this.handlers.push(entry);
  }

  unsubscribe(name: string): void {
    const index = this.handlers.findIndex((h) => h.name === name);
    if (index >= 0) this.handlers.splice(index, 1);
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
