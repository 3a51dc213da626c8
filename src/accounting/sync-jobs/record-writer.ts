import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ContactsService } from '../../notifications/contacts/contacts.service';
import { UpsertContactDto } from '../../notifications/contacts/contacts.dto';
import { OutboundHttp } from '../../platform/outbound/outbound-http';
import { ProblemException } from '../../platform/http/problem';
import { AdapterFailure } from '../adapters/accounting-adapter';
import { AccountingAdapters } from '../adapters/accounting-adapters';
import { checkEntity, compact, type Customer, type Invoice, type Payment } from '../canonical';
import { ConnectionsService } from '../connections/connections.service';
import type { SyncTarget } from './sync-job-spec';

export interface WriteRequest {
  workspaceId: string;
  jobId: string;
  target: SyncTarget;
  headers: Record<string, string>;
  key: string;
  record: unknown;
  hash: string;
}

/**
 * Upserts one mapped record into a job's target. Endpoint writes carry an `Idempotency-Key`
 * derived from (job, key, content): a page replayed after a crash repeats the same keys, which
 * the target answers without applying twice. Answers the target's id of the record.
 */
@Injectable()
export class RecordWriter {
  constructor(
    private readonly http: OutboundHttp,
    private readonly connections: ConnectionsService,
    private readonly adapters: AccountingAdapters,
    private readonly contacts: ContactsService,
  ) {}

  async write(req: WriteRequest): Promise<string | null> {
    const t = req.target;
    if (t.kind === 'endpoint') {
      const res = await this.http.json<{ id?: unknown }>({
        url: t.url.replace(/\{key\}/g, encodeURIComponent(req.key)),
        method: t.method ?? 'PUT',
        headers: { ...req.headers, 'idempotency-key': `${req.jobId}:${req.key}:${req.hash.slice(0, 32)}` },
        json: req.record,
      });
      if (res.status < 200 || res.status >= 300)
        throw new Error(`target answered HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      const id = res.data?.id;
      return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
    }
    if (t.kind === 'contacts') {
      const dto = plainToInstance(UpsertContactDto, { externalId: req.key, ...(req.record as object) });
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length)
        throw new Error(
          `not a contact: ${errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ')}`,
        );
      try {
        const out = await this.contacts.upsert(
          {
            workspaceId: req.workspaceId,
            actorType: 'api_key',
            actorId: `sync-job:${req.jobId}`,
            scopes: [],
          },
          dto,
        );
        return out.contact.id;
      } catch (err) {
        if (err instanceof ProblemException) throw new Error(`${err.code}: ${err.message}`);
        throw err;
      }
    }
    const account = await this.connections.account(req.workspaceId, t.connectionId);
    if (!account) throw new Error('The target connection was deleted');
    const problems = checkEntity(t.entityType, req.record);
    if (problems.length) throw new Error(`not a ${t.entityType}: ${problems.join('; ')}`);
    const adapter = this.adapters.get(account.kind);
    const entity = compact(req.record as object);
    try {
      const written =
        t.entityType === 'customer'
          ? await adapter.setupCustomer(account, entity as Customer)
          : t.entityType === 'invoice'
            ? await adapter.syncInvoice(account, entity as Invoice)
            : await adapter.syncPayment(account, entity as Payment);
      return written.externalId || null;
    } catch (err) {
      if (err instanceof AdapterFailure) throw new Error(`${err.code}: ${err.message}`);
      throw err;
    }
  }
}
