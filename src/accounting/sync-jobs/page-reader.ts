import { Injectable } from '@nestjs/common';
import { compileExpression, evaluate, ExpressionError, toJson } from '../../platform/expression/expression';
import { OutboundError, OutboundHttp } from '../../platform/outbound/outbound-http';
import { AdapterFailure, type ChangesPage } from '../adapters/accounting-adapter';
import { AccountingAdapters } from '../adapters/accounting-adapters';
import { scalar } from '../canonical';
import { ConnectionsService } from '../connections/connections.service';
import { DEFAULT_PAGE_SIZE, type SyncSource } from './sync-job-spec';

/** A source read that failed: `transient` pages are retried on the schedule, others fail the run. */
export class ReadFailure extends Error {
  constructor(
    readonly transient: boolean,
    message: string,
  ) {
    super(message);
  }
}

export interface PageRequest {
  workspaceId: string;
  source: SyncSource;
  headers: Record<string, string>;
  cursor: string | null;
  /** `updated_since` of an incremental run (the last successful run's watermark). */
  since: string | null;
}

/** One page from a job's source: an endpoint with a cursor, or a connection's `fetchChanges`. */
@Injectable()
export class PageReader {
  constructor(
    private readonly http: OutboundHttp,
    private readonly connections: ConnectionsService,
    private readonly adapters: AccountingAdapters,
  ) {}

  async read(req: PageRequest): Promise<ChangesPage> {
    const s = req.source;
    const pageSize = s.pageSize ?? DEFAULT_PAGE_SIZE;
    if (s.kind === 'connection') {
      const account = await this.connections.account(req.workspaceId, s.connectionId);
      if (!account) throw new ReadFailure(false, 'The source connection was deleted');
      try {
        return await this.adapters
          .get(account.kind)
          .fetchChanges(account, s.entityType, req.cursor, pageSize);
      } catch (err) {
        if (err instanceof AdapterFailure) throw new ReadFailure(err.kind === 'transient', err.message);
        throw err;
      }
    }
    const url = new URL(s.url);
    url.searchParams.set(s.limitParam ?? 'limit', String(pageSize));
    if (req.cursor !== null) url.searchParams.set(s.cursorParam ?? 'cursor', req.cursor);
    if (s.updatedSinceParam && req.since) url.searchParams.set(s.updatedSinceParam, req.since);
    let res;
    try {
      res = await this.http.json<unknown>({ url: url.toString(), headers: req.headers });
    } catch (err) {
      throw new ReadFailure(
        !(err instanceof OutboundError && err.kind === 'unsafe-url'),
        (err as Error).message,
      );
    }
    if (res.status >= 300) {
      const transient = res.status === 408 || res.status === 429 || res.status >= 500;
      throw new ReadFailure(transient, `source answered HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    }
    if (res.truncated)
      throw new ReadFailure(false, 'source page larger than the response cap: lower pageSize');
    if (res.data === undefined) throw new ReadFailure(true, 'source answered no JSON');
    const records = await this.pick(s.records ?? 'data', res.data, 'source.records');
    const next = await this.pick(s.nextCursor ?? 'nextCursor', res.data, 'source.nextCursor');
    if (records !== null && !Array.isArray(records))
      throw new ReadFailure(false, 'source.records did not yield a list');
    return {
      records: (Array.isArray(records) ? records : []) as Array<Record<string, unknown>>,
      nextCursor: scalar(next) || null,
    };
  }

  private async pick(source: string, body: unknown, where: string): Promise<unknown> {
    try {
      return toJson(await evaluate(compileExpression(source), body));
    } catch (err) {
      if (err instanceof ExpressionError) throw new ReadFailure(false, `${where}: ${err.message}`);
      throw err;
    }
  }
}
