import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { EventBus } from '../../events/bus/event-bus';
import { Clock } from '../../platform/clock';
import { Page, paginate, PageQuery } from '../../platform/http/pagination';
import { Principal } from '../../platform/http/principal';
import { notFound, ProblemException } from '../../platform/http/problem';
import { CollectionsProblem } from '../collections.problems';
import { validateRow } from '../imports/import-rows';
import { Debt, type DebtStatus, type DialogueState } from './debt.entity';
import { upsertDebts } from './debt-writes';
import { Debtor } from './debtor.entity';
import {
  CreateDebtDto,
  DebtorView,
  DebtQuery,
  DebtView,
  DebtWithDebtorView,
  UpdateDebtDto,
} from './debts.dto';

export function debtView(d: Debt): DebtView {
  return {
    id: d.id,
    externalId: d.externalId,
    debtorId: d.debtorId,
    status: d.status,
    amountCents: d.amountCents,
    paidCents: d.paidCents,
    dueDate: d.dueDate,
    promisedFor: d.promisedFor,
    description: d.description,
    boletoLine: d.boletoLine,
    handedOver: d.dialogue?.handedOver ?? false,
    plan: d.dialogue?.plan ?? null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function debtorView(d: Debtor): DebtorView {
  const masked =
    d.taxIdKind === 'cpf' ? `•••.•••.•••-${d.taxId.slice(-2)}` : `••.•••.•••/••••-${d.taxId.slice(-2)}`;
  return {
    id: d.id,
    taxIdKind: d.taxIdKind,
    taxId: masked,
    name: d.name,
    phone: d.phone,
    contactId: d.contactId,
    createdAt: d.createdAt.toISOString(),
  };
}

/** Debts and debtors: the API, and what the assistant, campaigns and payments change. */
@Injectable()
export class DebtsService {
  constructor(
    @InjectRepository(Debt) private readonly debts: Repository<Debt>,
    @InjectRepository(Debtor) private readonly debtors: Repository<Debtor>,
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  /** Creates or (same external id) updates one debt and its debtor; `created` tells 201 from 200. */
  async create(
    caller: Principal,
    dto: CreateDebtDto,
  ): Promise<{ debt: DebtWithDebtorView; created: boolean }> {
    const checked = validateRow(dto);
    if ('rejection' in checked) {
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: checked.rejection.field, message: checked.rejection.reason }],
      });
    }
    const outcome = await this.dataSource.transaction((tx) =>
      upsertDebts(tx, caller.workspaceId, [checked.row], this.clock.now()),
    );
    const { id, inserted } = outcome.ids.get(checked.row.externalId)!;
    const debt = await this.get(caller, id);
    await this.bus.emit(
      caller.workspaceId,
      inserted ? 'collections.debt.created' : 'collections.debt.updated',
      {
        debtId: id,
        externalId: debt.externalId,
        amountCents: debt.amountCents,
        dueDate: debt.dueDate,
        status: debt.status,
      },
    );
    return { debt, created: inserted };
  }

  list(caller: Principal, query: DebtQuery): Promise<Page<DebtView>> {
    const qb = this.debts.createQueryBuilder('d').where('d.workspaceId = :ws', { ws: caller.workspaceId });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.debtorId) qb.andWhere('d.debtorId = :debtorId', { debtorId: query.debtorId });
    if (query.externalId) qb.andWhere('d.externalId = :ext', { ext: query.externalId });
    if (query.dueFrom) qb.andWhere('d.dueDate >= :from', { from: query.dueFrom });
    if (query.dueTo) qb.andWhere('d.dueDate <= :to', { to: query.dueTo });
    return paginate(qb, query, debtView);
  }

  listDebtors(caller: Principal, query: PageQuery): Promise<Page<DebtorView>> {
    const qb = this.debtors.createQueryBuilder('d').where('d.workspaceId = :ws', { ws: caller.workspaceId });
    return paginate(qb, query, debtorView);
  }

  async getDebtor(caller: Principal, id: string): Promise<DebtorView> {
    const d = await this.debtors.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!d) throw notFound('Debtor');
    return debtorView(d);
  }

  async get(caller: Principal, id: string): Promise<DebtWithDebtorView> {
    const debt = await this.find(caller.workspaceId, id);
    if (!debt) throw notFound('Debt');
    const debtor = await this.debtors.findOneByOrFail({ id: debt.debtorId });
    return { ...debtView(debt), debtor: debtorView(debtor) };
  }

  async update(caller: Principal, id: string, dto: UpdateDebtDto): Promise<DebtWithDebtorView> {
    const debt = await this.find(caller.workspaceId, id);
    if (!debt) throw notFound('Debt');
    const fields: Partial<Debt> = {};
    if (dto.amountCents !== undefined) fields.amountCents = dto.amountCents;
    if (dto.dueDate !== undefined) fields.dueDate = dto.dueDate;
    if (dto.description !== undefined) fields.description = dto.description;
    if (Object.keys(fields).length)
      await this.debts.update({ id }, { ...fields, updatedAt: this.clock.now() });
    if (dto.status && dto.status !== debt.status)
      await this.changeStatus(debt, dto.status, { by: caller.actorId });
    return this.get(caller, id);
  }

  /**
   * An operator gives a handed-over debt back to the assistant: it answers again (its question
   * budget reset), and a disputed debt is open again. 409 when nobody had it.
   */
  async release(caller: Principal, id: string): Promise<DebtWithDebtorView> {
    const now = this.clock.now();
    const pending = await this.dataSource.transaction(async (tx) => {
      const [d]: Array<Pick<Debt, 'status' | 'dialogue'> & { external_id: string }> = await tx.query(
        `SELECT status, dialogue, external_id FROM collection_debts WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
        [id, caller.workspaceId],
      );
      if (!d) throw notFound('Debt');
      if (!d.dialogue?.handedOver)
        throw new CollectionsProblem('DEBT_NOT_HANDED_OVER', 'The assistant already answers this debt');
      const to = d.status === 'disputed' ? 'open' : d.status;
      const dialogue: DialogueState = { ...d.dialogue, handedOver: false, clarifications: 0, awaiting: null };
      await tx.query(
        `UPDATE collection_debts SET status = $2, dialogue = $3, updated_at = $4 WHERE id = $1`,
        [id, to, JSON.stringify(dialogue), now],
      );
      return this.bus.emitIn(tx, caller.workspaceId, 'collections.debt.released', {
        debtId: id,
        externalId: d.external_id,
        from: d.status,
        to,
        by: caller.actorId,
      });
    });
    await this.bus.publish(pending);
    return this.get(caller, id);
  }

  async remove(caller: Principal, id: string): Promise<void> {
    const debt = await this.find(caller.workspaceId, id);
    if (!debt) throw notFound('Debt');
    await this.debts.delete({ id });
    await this.bus.emit(caller.workspaceId, 'collections.debt.deleted', {
      debtId: id,
      externalId: debt.externalId,
    });
  }

  find(workspaceId: string, id: string): Promise<Debt | null> {
    return this.debts.findOneBy({ id, workspaceId });
  }

  findByExternalId(workspaceId: string, externalId: string): Promise<Debt | null> {
    return this.debts.findOneBy({ workspaceId, externalId });
  }

  findMany(workspaceId: string, ids: string[]): Promise<Debt[]> {
    return ids.length ? this.debts.findBy({ workspaceId, id: In(ids) }) : Promise.resolve([]);
  }

  findDebtor(workspaceId: string, id: string): Promise<Debtor | null> {
    return this.debtors.findOneBy({ id, workspaceId });
  }

  /** The debtor's debts the assistant may talk about (not paid, written off or opted out), oldest due first. */
  async activeDebtsOfPhone(
    workspaceId: string,
    phone: string,
  ): Promise<Array<{ debt: Debt; debtor: Debtor }>> {
    const debtors = await this.debtors.findBy({ workspaceId, phone });
    if (!debtors.length) return [];
    const debts = await this.debts.find({
      where: {
        workspaceId,
        debtorId: In(debtors.map((d) => d.id)),
        status: In(['open', 'promised', 'negotiating', 'paid_claimed', 'disputed']),
      },
      order: { dueDate: 'ASC', id: 'ASC' },
    });
    return debts.map((debt) => ({ debt, debtor: debtors.find((d) => d.id === debt.debtorId)! }));
  }

  async linkContact(debtor: Debtor, contactId: string): Promise<void> {
    if (debtor.contactId === contactId) return;
    await this.debtors.update({ id: debtor.id }, { contactId });
    debtor.contactId = contactId;
  }

  async saveDialogue(
    debt: Debt,
    dialogue: DialogueState,
    extra: Partial<Pick<Debt, 'promisedFor' | 'paidCents'>> = {},
  ): Promise<void> {
    await this.debts.update({ id: debt.id }, { dialogue, ...extra, updatedAt: this.clock.now() });
    debt.dialogue = dialogue;
    Object.assign(debt, extra);
  }

  /**
   * Moves a debt to `to` and publishes `collections.debt.<to>` in the same transaction; nothing
   * when it is already there (a retried handler changes nothing twice). True when it changed.
   */
  async changeStatus(debt: Debt, to: DebtStatus, detail: Record<string, unknown> = {}): Promise<boolean> {
    const now = this.clock.now();
    const pending = await this.dataSource.transaction(async (tx) => {
      const [rows]: [Array<{ id: string }>] = await tx.query(
        `UPDATE collection_debts SET status = $2, updated_at = $3 WHERE id = $1 AND status <> $2 RETURNING id`,
        [debt.id, to, now],
      );
      if (!rows.length) return undefined;
      return this.bus.emitIn(tx, debt.workspaceId, `collections.debt.${to}`, {
        debtId: debt.id,
        externalId: debt.externalId,
        from: debt.status,
        to,
        amountCents: debt.amountCents,
        paidCents: debt.paidCents,
        promisedFor: debt.promisedFor,
        ...detail,
      });
    });
    if (!pending) return false;
    debt.status = to;
    await this.bus.publish(pending);
    return true;
  }
}
