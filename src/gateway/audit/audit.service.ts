import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { type ConfigOf, InjectConfig } from '../../config/area-config';
import { gatewayConfig } from '../gateway.config';
import { Clock } from '../../platform/clock';
import { Page, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { OnJob } from '../../platform/queue/on-job.decorator';
import { AuditLog } from './audit-log.entity';
import { AuditLogView, AuditQuery } from './audit.dto';

const toView = (a: AuditLog): AuditLogView => ({
  id: a.id,
  actorType: a.actorType,
  actorId: a.actorId,
  method: a.method,
  route: a.route,
  status: a.status,
  durationMs: a.durationMs,
  ip: a.ip,
  requestId: a.requestId,
  createdAt: a.createdAt.toISOString(),
});

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditLog) private readonly logs: Repository<AuditLog>,
    @InjectConfig(gatewayConfig) private readonly config: ConfigOf<typeof gatewayConfig>,
    private readonly clock: Clock,
  ) {}

  list(caller: Principal, q: AuditQuery): Promise<Page<AuditLogView>> {
    const qb = this.logs.createQueryBuilder('a').where('a.workspaceId = :ws', { ws: caller.workspaceId });
    if (q.from) qb.andWhere('a.createdAt >= :from', { from: new Date(q.from) });
    if (q.to) qb.andWhere('a.createdAt < :to', { to: new Date(q.to) });
    if (q.actor) qb.andWhere('a.actorId = :actor', { actor: q.actor });
    if (q.status) qb.andWhere('a.status = :status', { status: q.status });
    return paginate(qb, q, toView);
  }

  /** Daily: drop rows older than AUDIT_RETENTION_DAYS. */
  @OnJob('audit.purge')
  async purge(): Promise<{ deleted: number }> {
    const cutoff = new Date(this.clock.nowMs() - this.config.auditRetentionDays * 24 * 3600 * 1000);
    const result = await this.logs.delete({ createdAt: LessThan(cutoff) });
    return { deleted: result.affected ?? 0 };
  }
}
