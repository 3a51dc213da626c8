import { Injectable, OnModuleInit } from '@nestjs/common';
import { declare, definePluginPoint } from '../../platform/plugins/plugin-point';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import { dependencyOutage } from '../../platform/queue/dependency-outage';

/** What a handler receives: the stored event (its own copy: changing it changes nothing). */
export interface StoredEvent {
  id: string;
  workspaceId: string;
  sourceId: string | null;
  type: string;
  occurredAt: Date;
  receivedAt: Date;
  data: Record<string, unknown>;
  attempts: number;
  /** The key it was stored under (an emitted event's carries the emitting chain's depth). */
  dedupeKey: string | null;
}

/** Fields an enriching subscriber adds to the event's data: stored with the event, seen by the later subscribers. */
export type EventEnrichment = Record<string, unknown>;

export type EventHandler = (event: StoredEvent) => Promise<EventEnrichment | void>;

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
 * Subscribes the method to the events whose type matches `pattern`. An `enrich` subscriber runs
 * before the others and answers the fields it adds (`{contactId}`): they are stored with the event
 * and the later subscribers see them. No subscriber sees another's changes to its copy.
 */
export const OnEvent = (name: string, pattern: string, options: { enrich?: boolean } = {}) =>
  declare(EVENT_SUBSCRIPTION, name, { pattern, ...options });

/** What one run of the subscribers on an event came to. */
export interface DispatchOutcome {
  /** Subscribers that finished in this run: recorded on the event so that a retry skips them. */
  done: string[];
  /** What the enriching subscribers added (empty when none did). */
  enrichment: EventEnrichment;
  /** Subscribers that failed in this run; each is retried (alone) with the event. */
  failures: Array<{ name: string; error: Error }>;
  /** PostgreSQL or Redis unreachable: the run stopped there and is not the event's failure. */
  outage?: Error;
}

interface Subscriber {
  name: string;
  pattern: string;
  handle: EventHandler;
  enrich: boolean;
}

/**
 * Runs the declared subscribers (deliveries fan out, workflows start, conversations record) on an
 * event, each on its own: one that fails does not stop the others, and those that finished are
 * not run again when the event is retried (EventProcessor records them). Subscribers must still be
 * idempotent: a worker killed mid-run runs the unrecorded ones again.
 */
@Injectable()
export class EventHandlers implements OnModuleInit {
  private handlers: Subscriber[] = [];

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

  /**
   * Runs the matching subscribers not in `handled` (finished in an earlier attempt). What the
   * enrichers added goes to `store` before the first plain subscriber runs: a subscriber that
   * hands the event's id to later work (a workflow's job reads the stored event) sees it.
   */
  async dispatch(
    event: StoredEvent,
    handled: readonly string[] = [],
    store: (enrichment: EventEnrichment) => Promise<void> = async () => undefined,
  ): Promise<DispatchOutcome> {
    const outcome: DispatchOutcome = { done: [], enrichment: {}, failures: [] };
    let data = event.data;
    let plainStarted = false;
    for (const h of this.handlers) {
      if (handled.includes(h.name) || !matchesEventType(h.pattern, event.type)) continue;
      if (!h.enrich && !plainStarted) {
        plainStarted = true;
        // Enrichers run first: a failure so far is an enricher's, and the plain subscribers need
        // its fields. They wait for the retry.
        if (outcome.failures.length) break;
        if (Object.keys(outcome.enrichment).length) {
          try {
            await store(outcome.enrichment);
          } catch (err) {
            if (dependencyOutage(err)) {
              outcome.outage = err as Error;
              return outcome;
            }
            throw err;
          }
        }
      }
      try {
        const added = await h.handle({ ...event, data: structuredClone(data) });
        if (h.enrich && added && Object.keys(added).length) {
          data = { ...data, ...added };
          Object.assign(outcome.enrichment, added);
        }
        outcome.done.push(h.name);
      } catch (err) {
        if (dependencyOutage(err)) {
          outcome.outage = err as Error;
          return outcome;
        }
        outcome.failures.push({ name: h.name, error: err as Error });
      }
    }
    return outcome;
  }
}
