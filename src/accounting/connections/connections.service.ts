import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppConfig } from '../../config/config';
import { Clock } from '../../platform/clock';
import { SecretBox } from '../../platform/crypto/secret-box';
import { FieldError, notFound } from '../../platform/http/problem';
import { Page, PageQuery, paginate } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { savedUrlRefusal } from '../../platform/outbound/ssrf-guard';
import { AccountingProblem } from '../accounting.problems';
import type { ConnectionAccount } from '../adapters/accounting-adapter';
import { AccountingAdapters, type ConnectionKind } from '../adapters/accounting-adapters';
import {
  connectionTargetUrl,
  maskConnectionConfig,
  TRIGGERS,
  validateConnectionConfig,
} from './connection-config';
import { AccountingConnection } from './connection.entity';
import {
  ConnectionCheckView,
  AccountingConnectionView,
  CreateAccountingConnectionDto,
  UpdateConnectionDto,
} from './connections.dto';

/** Connections per workspace: CRUD with the config sealed, `check`, and the accounts syncs use. */
@Injectable()
export class ConnectionsService {
  constructor(
    @InjectRepository(AccountingConnection) private readonly connections: Repository<AccountingConnection>,
    private readonly adapters: AccountingAdapters,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async create(caller: Principal, dto: CreateAccountingConnectionDto): Promise<AccountingConnectionView> {
    const config = await this.checked(dto.kind, dto.config);
    const id = uuidv7();
    const now = this.clock.now();
    const row: AccountingConnection = {
      id,
      workspaceId: caller.workspaceId,
      kind: dto.kind,
      name: dto.name,
      configSealed: this.seal(id, config),
      triggers: dto.triggers ?? [...TRIGGERS],
      enabled: dto.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.connections.insert(row);
    return this.toView(row);
  }

  list(caller: Principal, query: PageQuery): Promise<Page<AccountingConnectionView>> {
    const qb = this.connections
      .createQueryBuilder('c')
      .where('c.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, (c) => this.toView(c));
  }

  async get(caller: Principal, id: string): Promise<AccountingConnectionView> {
    return this.toView(await this.find(caller.workspaceId, id));
  }

  async update(caller: Principal, id: string, dto: UpdateConnectionDto): Promise<AccountingConnectionView> {
    const c = await this.find(caller.workspaceId, id);
    if (dto.config !== undefined)
      c.configSealed = this.seal(
        c.id,
        await this.checked(c.kind as ConnectionKind, { ...this.open(c), ...dto.config }),
      );
    if (dto.name !== undefined) c.name = dto.name;
    if (dto.triggers !== undefined) c.triggers = dto.triggers;
    if (dto.enabled !== undefined) c.enabled = dto.enabled;
    c.updatedAt = this.clock.now();
    await this.connections.save(c);
    return this.toView(c);
  }

  async remove(caller: Principal, id: string): Promise<void> {
    const c = await this.find(caller.workspaceId, id);
    await this.connections.delete({ id: c.id });
  }

  async check(caller: Principal, id: string): Promise<ConnectionCheckView> {
    const account = this.toAccount(await this.find(caller.workspaceId, id));
    const result = await this.adapters
      .get(account.kind)
      .check(account)
      .catch((err: Error) => ({ ok: false, detail: err.message.slice(0, 500) }));
    return { ...result, checkedAt: this.clock.now().toISOString() };
  }

  /** The enabled connections a trigger syncs to. */
  async forTrigger(workspaceId: string, trigger: string): Promise<ConnectionAccount[]> {
    const rows = await this.connections
      .createQueryBuilder('c')
      .where('c.workspaceId = :ws AND c.enabled AND :t = ANY(c.triggers)', { ws: workspaceId, t: trigger })
      .orderBy('c.id')
      .getMany();
    return rows.map((c) => this.toAccount(c));
  }

  /** A connection's account (enabled or not), or null when unknown in the workspace. */
  async account(workspaceId: string, id: string): Promise<ConnectionAccount | null> {
    const c = await this.connections.findOneBy({ id, workspaceId });
    return c ? this.toAccount(c) : null;
  }

  private async checked(
    kind: ConnectionKind,
    config: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const errors: FieldError[] = validateConnectionConfig(kind, config);
    const url = connectionTargetUrl(config);
    if (url && errors.length === 0) {
      const refusal = await savedUrlRefusal(url, { allowPrivate: this.config.outbound.allowPrivate });
      if (refusal) errors.push({ field: 'config.baseUrl', message: refusal });
    }
    if (errors.length)
      throw new AccountingProblem('ACCOUNTING_CONFIG_INVALID', 'The connection config is not valid', {
        errors,
      });
    return config;
  }

  private async find(workspaceId: string, id: string): Promise<AccountingConnection> {
    const c = await this.connections.findOneBy({ id, workspaceId });
    if (!c) throw notFound('Accounting connection');
    return c;
  }

  private seal(id: string, config: Record<string, unknown>): string {
    return this.box.seal(JSON.stringify(config), `accounting-connection:${id}:config`);
  }

  private open(c: AccountingConnection): Record<string, unknown> {
    return JSON.parse(this.box.open(c.configSealed, `accounting-connection:${c.id}:config`)) as Record<
      string,
      unknown
    >;
  }

  private toAccount(c: AccountingConnection): ConnectionAccount {
    return { id: c.id, workspaceId: c.workspaceId, kind: c.kind, config: this.open(c) };
  }

  private toView(c: AccountingConnection): AccountingConnectionView {
    return {
      id: c.id,
      kind: c.kind,
      name: c.name,
      config: maskConnectionConfig(this.open(c)),
      triggers: c.triggers,
      enabled: c.enabled,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}
