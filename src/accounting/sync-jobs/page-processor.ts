import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { InjectConfig } from '../../config/area-config';
import { compileExpression, evaluate, toJson } from '../../platform/expression/expression';
import { dependencyOutage } from '../../platform/queue/dependency-outage';
import { accountingConfig, type AccountingConfig } from '../accounting.config';
import { hashOf } from '../canonical';
import { RecordWriter } from './record-writer';
import { SyncJob } from './sync-job.entity';

/** What became of one record of a page. */
export interface Outcome {
  key: string | null;
  result: 'created' | 'updated' | 'unchanged' | 'failed';
  hash?: string;
  targetId?: string | null;
  error?: string;
}

/**
 * One page's records: keyed and mapped (JSONata), compared with the hash last written for the key
 * (the same is `unchanged`, nothing written), the rest written to the target a few at a time.
 * Records that fail are counted with their key; the others go on.
 */
@Injectable()
export class PageProcessor {
  constructor(
    @InjectRepository(SyncJob) private readonly jobs: Repository<SyncJob>,
    private readonly writer: RecordWriter,
    @InjectConfig(accountingConfig) private readonly config: AccountingConfig,
  ) {}

  async process(
    job: SyncJob,
    targetHeaders: Record<string, string>,
    records: Array<Record<string, unknown>>,
  ): Promise<Outcome[]> {
    const mapping = compileExpression(job.mapping);
    const keyOf = compileExpression(job.keyExpression);
    const prepared = await Promise.all(
      records.map(async (record) => {
        try {
          const key = toJson(await evaluate(keyOf, record));
          if (typeof key !== 'string' && typeof key !== 'number')
            throw new Error('the key expression yielded no key');
          const mapped = toJson(await evaluate(mapping, record));
          return { key: String(key), mapped, hash: hashOf(mapped) };
        } catch (err) {
          if (dependencyOutage(err)) throw err;
          return { key: null, error: (err as Error).message };
        }
      }),
    );
    const keys = prepared.flatMap((p) => (p.key === null ? [] : [p.key]));
    const items: Array<{ key: string; hash: string }> = await this.jobs.query(
      `SELECT key, hash FROM sync_job_items WHERE job_id = $1 AND key = ANY($2)`,
      [job.id, keys],
    );
    const known = new Map(items.map((r) => [r.key, r.hash]));
    const outcomes: Outcome[] = new Array(prepared.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < prepared.length; i = next++) {
        const p = prepared[i];
        if (p.key === null) {
          outcomes[i] = { key: null, result: 'failed', error: p.error };
          continue;
        }
        const before = known.get(p.key);
        if (before === p.hash) {
          outcomes[i] = { key: p.key, result: 'unchanged' };
          continue;
        }
        try {
          const targetId = await this.writer.write({
            workspaceId: job.workspaceId,
            jobId: job.id,
            target: job.target,
            headers: targetHeaders,
            key: p.key,
            record: p.mapped,
            hash: p.hash,
          });
          known.set(p.key, p.hash); // a key twice in one page is written once per content
          outcomes[i] = {
            key: p.key,
            result: before === undefined ? 'created' : 'updated',
            hash: p.hash,
            targetId,
          };
        } catch (err) {
          if (dependencyOutage(err)) throw err;
          outcomes[i] = { key: p.key, result: 'failed', error: (err as Error).message.slice(0, 500) };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.pageConcurrency, prepared.length) }, worker));
    return outcomes;
  }
}
