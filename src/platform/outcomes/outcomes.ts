import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { declare, definePluginPoint } from '../plugins/plugin-point';
import { PluginRegistry } from '../plugins/plugin-registry';

/**
 * Something a module finished that others may count (analytics): a webhook its source refused, a
 * delivery that succeeded or died, a workflow execution that ended. `id` names it for good, so an
 * observer told twice can tell.
 */
export interface Outcome {
  kind: 'webhook.rejected' | 'delivery.succeeded' | 'delivery.dead' | 'workflow.execution';
  id: string;
  workspaceId: string;
  at: Date;
  /** `succeeded` / `failed` for executions; the rejection reason for webhooks. */
  status?: string;
  source?: string;
  eventType?: string;
  workflow?: string;
}

export type OutcomeObserver = (outcome: Outcome) => Promise<void>;

export const OUTCOME_OBSERVER = definePluginPoint<OutcomeObserver>({ title: 'outcome observer' });

/** `@OnOutcome()` on a method `(outcome) => Promise<void>`. */
export const OnOutcome = () => declare(OUTCOME_OBSERVER);

/** Tells the observers; an observer's failure is logged, never the reporter's. */
@Injectable()
export class Outcomes implements OnModuleInit {
  private readonly logger = new Logger('Outcomes');
  private observers: OutcomeObserver[] = [];

  constructor(private readonly plugins: PluginRegistry) {}

  onModuleInit(): void {
    this.observers = this.plugins.get(OUTCOME_OBSERVER).map((d) => d.handler);
  }

  async report(outcome: Outcome): Promise<void> {
    for (const observe of this.observers)
      await observe(outcome).catch((err: Error) =>
        this.logger.warn(`observing ${outcome.kind} ${outcome.id}: ${err.message}`),
      );
  }
}
