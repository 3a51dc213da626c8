import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { AlertEvent } from './alert-event.entity';
import { AlertMetrics, windowed } from './alert-metrics';
import { AlertNotifier } from './alert-notifier';
import { AlertRule, type AlertState } from './alert-rule.entity';

const COMPARE = {
  gt: (v: number, t: number) => v > t,
  gte: (v: number, t: number) => v >= t,
  lt: (v: number, t: number) => v < t,
  lte: (v: number, t: number) => v <= t,
};

/** Where a rule goes next, and whether that is news (fired or resolved). */
export function nextState(
  rule: Pick<AlertRule, 'state' | 'stateSince'>,
  holds: boolean,
  waitMs: number,
  now: Date,
): { state: AlertState; since: Date | null; news?: 'firing' | 'resolved' } {
  const held = (since: Date | null) => now.getTime() - (since?.getTime() ?? now.getTime()) >= waitMs;
  switch (rule.state) {
    case 'ok':
      if (!holds) return { state: 'ok', since: rule.stateSince };
      return waitMs === 0
        ? { state: 'firing', since: now, news: 'firing' }
        : { state: 'pending', since: now };
    case 'pending':
      if (!holds) return { state: 'ok', since: now };
      return held(rule.stateSince)
        ? { state: 'firing', since: now, news: 'firing' }
        : { state: 'pending', since: rule.stateSince };
    case 'firing':
      if (holds) return { state: 'firing', since: rule.stateSince };
      return waitMs === 0
        ? { state: 'ok', since: now, news: 'resolved' }
        : { state: 'resolving', since: now };
    case 'resolving':
      if (holds) return { state: 'firing', since: now };
      return held(rule.stateSince)
        ? { state: 'ok', since: now, news: 'resolved' }
        : { state: 'resolving', since: rule.stateSince };
  }
}

/**
 * Every tick (a job scheduler: once across instances) each enabled rule's metric is read and its
 * state moved: the condition must hold for the window to fire and be clear for the window to
 * resolve (metrics already counted over the window move at once). Only the tick whose conditional
 * update moved the rule sends the news, so nothing is repeated while it keeps firing.
 */
@Injectable()
export class AlertEvaluator {
  constructor(
    @InjectRepository(AlertRule) private readonly rules: Repository<AlertRule>,
    @InjectRepository(AlertEvent) private readonly events: Repository<AlertEvent>,
    private readonly metrics: AlertMetrics,
    private readonly notifier: AlertNotifier,
    private readonly clock: Clock,
  ) {}

  @OnJob('analytics.alerts-tick')
  async tick(): Promise<void> {
    const rules = await this.rules.find({ where: { enabled: true }, order: { id: 'ASC' } });
    const values = new Map<string, Promise<number | null>>();
    for (const rule of rules) {
      const key = `${rule.workspaceId}|${rule.metric}|${rule.windowMs}`;
      if (!values.has(key)) values.set(key, this.metrics.value(rule.workspaceId, rule.metric, rule.windowMs));
      await this.evaluate(rule, await values.get(key)!);
    }
  }

  private async evaluate(rule: AlertRule, value: number | null): Promise<void> {
    const now = this.clock.now();
    const holds = value !== null && COMPARE[rule.condition](value, rule.threshold);
    const next = nextState(rule, holds, windowed(rule.metric) ? 0 : rule.windowMs, now);
    const [moved]: [unknown[]] = await this.rules.query(
      `UPDATE alert_rules SET state = $3, state_since = $4, last_value = $5, updated_at = $6
       WHERE id = $1 AND state = $2 AND state_since IS NOT DISTINCT FROM $7 RETURNING id`,
      [rule.id, rule.state, next.state, next.since, value, now, rule.stateSince],
    );
    if (!moved.length || !next.news) return;
    const notified = await this.notifier.notify({ kind: next.news, rule, value, at: now });
    await this.events.insert({
      id: uuidv7(),
      workspaceId: rule.workspaceId,
      ruleId: rule.id,
      kind: next.news,
      metric: rule.metric,
      value,
      threshold: rule.threshold,
      notified,
      at: now,
    });
  }
}
