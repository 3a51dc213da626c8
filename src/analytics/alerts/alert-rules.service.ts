import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { Page, paginate } from '../../platform/http/pagination';
import type { Principal } from '../../platform/http/principal';
import { notFound, ProblemException } from '../../platform/http/problem';
import { parseDuration } from '../../workflows/iso-duration';
import { AnalyticsProblem } from '../analytics.problems';
import { AlertEvent } from './alert-event.entity';
import { isAlertMetric } from './alert-metrics';
import { ALERT_PRESETS } from './alert-presets';
import { AlertRule } from './alert-rule.entity';
import type {
  AlertEventQuery,
  AlertEventView,
  AlertRuleView,
  CreateAlertRuleDto,
  UpdateAlertRuleDto,
} from './alerts.dto';

const MAX_WINDOW_MS = 7 * 86_400_000;

/** Alert rules of a workspace and their history. */
@Injectable()
export class AlertRulesService {
  constructor(
    @InjectRepository(AlertRule) private readonly rules: Repository<AlertRule>,
    @InjectRepository(AlertEvent) private readonly events: Repository<AlertEvent>,
    private readonly clock: Clock,
  ) {}

  async create(caller: Principal, dto: CreateAlertRuleDto): Promise<AlertRuleView> {
    const preset = dto.preset ? ALERT_PRESETS[dto.preset] : undefined;
    const fields = { ...preset, ...definedOf(dto) };
    const missing = (['metric', 'condition', 'threshold', 'window', 'channels'] as const).filter(
      (f) => fields[f] === undefined,
    );
    if (missing.length)
      throw new ProblemException('VALIDATION_FAILED', `Missing ${missing.join(', ')} (or a preset)`, {
        errors: missing.map((field) => ({ field, message: `${field} is required without a preset` })),
      });
    const now = this.clock.now();
    const rule: AlertRule = {
      id: uuidv7(),
      workspaceId: caller.workspaceId,
      name: fields.name ?? `${fields.metric} ${fields.condition} ${fields.threshold}`,
      metric: checkedMetric(fields.metric!),
      condition: fields.condition!,
      threshold: fields.threshold!,
      window: fields.window!,
      windowMs: windowMs(fields.window!),
      channels: fields.channels!,
      enabled: fields.enabled ?? true,
      preset: dto.preset ?? null,
      state: 'ok',
      stateSince: null,
      lastValue: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.rules.insert(rule);
    return toView(rule);
  }

  list(caller: Principal, query: AlertEventQuery): Promise<Page<AlertRuleView>> {
    const qb = this.rules.createQueryBuilder('r').where('r.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, toView);
  }

  async get(caller: Principal, id: string): Promise<AlertRuleView> {
    return toView(await this.find(caller, id));
  }

  async update(caller: Principal, id: string, dto: UpdateAlertRuleDto): Promise<AlertRuleView> {
    const rule = await this.find(caller, id);
    const changes: Partial<AlertRule> = { ...definedOf(dto), updatedAt: this.clock.now() };
    if (dto.metric) changes.metric = checkedMetric(dto.metric);
    if (dto.window) changes.windowMs = windowMs(dto.window);
    // A rule switched off or on starts again from `ok`: its old state says nothing now.
    if (dto.enabled !== undefined && dto.enabled !== rule.enabled)
      Object.assign(changes, { state: 'ok', stateSince: null });
    await this.rules.update({ id }, changes);
    return toView({ ...rule, ...changes });
  }

  async remove(caller: Principal, id: string): Promise<void> {
    await this.find(caller, id);
    await this.rules.delete({ id });
  }

  listEvents(caller: Principal, query: AlertEventQuery): Promise<Page<AlertEventView>> {
    const qb = this.events.createQueryBuilder('e').where('e.workspaceId = :ws', { ws: caller.workspaceId });
    if (query.ruleId) qb.andWhere('e.ruleId = :rule', { rule: query.ruleId });
    return paginate(qb, query, (e) => ({ ...e, at: e.at.toISOString() }));
  }

  private async find(caller: Principal, id: string): Promise<AlertRule> {
    const rule = await this.rules.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!rule) throw notFound('Alert rule');
    return rule;
  }
}

function definedOf<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(dto).filter(([k, v]) => v !== undefined && k !== 'preset'),
  ) as Partial<T>;
}

function windowMs(window: string): number {
  const ms = parseDuration(window);
  if (ms === undefined || ms > MAX_WINDOW_MS)
    throw new AnalyticsProblem('ALERT_WINDOW_INVALID', `${window} is not an ISO 8601 duration up to P7D`);
  return ms;
}

function checkedMetric(metric: string): string {
  if (!isAlertMetric(metric)) throw new AnalyticsProblem('ALERT_METRIC_UNKNOWN', `No alert metric ${metric}`);
  return metric;
}

function toView(r: AlertRule): AlertRuleView {
  return {
    id: r.id,
    name: r.name,
    metric: r.metric,
    condition: r.condition,
    threshold: r.threshold,
    window: r.window,
    channels: r.channels,
    enabled: r.enabled,
    preset: r.preset,
    state: r.state,
    lastValue: r.lastValue,
    createdAt: r.createdAt.toISOString(),
  };
}
