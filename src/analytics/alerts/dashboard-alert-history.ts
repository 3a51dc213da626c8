import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DashboardAlert, DashboardAlerts } from '../dashboard/dashboard-alerts';
import { AlertEvent } from './alert-event.entity';
import { AlertRule } from './alert-rule.entity';

/** The dashboard's alert section: a workspace's newest firing and resolved alerts, with the rule's name. */
@Injectable()
export class DashboardAlertHistory extends DashboardAlerts {
  constructor(@InjectRepository(AlertEvent) private readonly events: Repository<AlertEvent>) {
    super();
  }

  async recent(workspaceId: string, limit: number): Promise<DashboardAlert[]> {
    const rows = await this.events
      .createQueryBuilder('e')
      .leftJoin(AlertRule, 'r', 'r.id = e.ruleId AND r.workspaceId = e.workspaceId')
      .select([
        'e.at AS at',
        'e.kind AS kind',
        'e.metric AS metric',
        'e.value AS value',
        'e.threshold AS threshold',
      ])
      .addSelect('r.name', 'name')
      .where('e.workspaceId = :workspaceId', { workspaceId })
      .orderBy('e.at', 'DESC')
      .limit(limit)
      .getRawMany<{
        at: Date;
        kind: 'firing' | 'resolved';
        metric: string;
        value: number | null;
        threshold: number;
        name: string | null;
      }>();
    return rows.map((r) => ({
      at: new Date(r.at).toISOString(),
      rule: r.name ?? r.metric,
      state: r.kind,
      message: `${r.metric} = ${r.value ?? '—'} (threshold ${r.threshold})`,
    }));
  }
}
