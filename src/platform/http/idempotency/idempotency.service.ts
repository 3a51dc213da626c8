import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { Clock } from '../../clock';
import { OnJob } from '../../queue/on-job.decorator';
import { ProblemException } from '../problem';
import { IdempotencyKey } from './idempotency-key.entity';

const TTL_MS = 24 * 3600 * 1000;

/** Stored answers whose body contains any of `$2` (a contact's phone, e-mail...). */
const CONTAINING = `workspace_id = $1 AND response_body IS NOT NULL
  AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS n WHERE strpos(response_body::text, n) > 0)`;

export type Claim = { kind: 'claimed' } | { kind: 'replay'; status: number; body: unknown };

/** Stable across key order and whitespace: the same request is the same hash. */
export function requestHash(method: string, route: string, body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(`${method} ${route}\n${JSON.stringify(canonical(body ?? null))}`)
    .digest('hex');
}

/**
 * Idempotency-Key for create endpoints, as Stripe does it: the first request claims the key;
 * a repeat with the same body replays the stored answer for 24 h; another body → 422; while the
 * first is in flight → 409. Only successful answers are stored: a refused request frees its key.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @InjectRepository(IdempotencyKey) private readonly keys: Repository<IdempotencyKey>,
    private readonly clock: Clock,
  ) {}

  async claim(workspaceId: string, key: string, hash: string): Promise<Claim> {
    const now = this.clock.now();
    // An expired row is as good as none: reclaim it in the same statement.
    const claimed: unknown[] = await this.keys.query(
      `INSERT INTO idempotency_keys (workspace_id, key, request_hash, state, expires_at)
       VALUES ($1, $2, $3, 'in_flight', $4)
       ON CONFLICT (workspace_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL,
             response_body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= $5
       RETURNING key`,
      [workspaceId, key, hash, new Date(now.getTime() + TTL_MS), now],
    );
    if (claimed.length > 0) return { kind: 'claimed' };
    const row = await this.keys.findOneBy({ workspaceId, key });
    if (!row) return this.claim(workspaceId, key, hash); // purged in between
    if (row.requestHash !== hash) {
      throw new ProblemException(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with another request',
      );
    }
    if (row.state === 'in_flight') {
      throw new ProblemException(
        'IDEMPOTENCY_IN_FLIGHT',
        'The first request with this Idempotency-Key is still running',
        {
          headers: { 'Retry-After': '1' },
        },
      );
    }
    return { kind: 'replay', status: row.responseStatus!, body: row.responseBody };
  }

  async complete(workspaceId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.keys.update(
      { workspaceId, key },
      { state: 'done', responseStatus: status, responseBody: (body ?? null) as never },
    );
  }

  /** A request that failed (4xx or 5xx): forget the key so the client's next attempt runs. */
  async release(workspaceId: string, key: string): Promise<void> {
    await this.keys.delete({ workspaceId, key, state: 'in_flight' });
  }

  /** The stored answers that copy any of `needles` (a personal-data export). */
  async answersContaining(
    workspaceId: string,
    needles: string[],
  ): Promise<Array<{ key: string; status: number; body: unknown; createdAt: Date }>> {
    return this.keys.query(
      `SELECT key, response_status AS status, response_body AS body, created_at AS "createdAt"
       FROM idempotency_keys WHERE ${CONTAINING} ORDER BY created_at`,
      [workspaceId, needles],
    );
  }

  /**
   * Blanks the stored answers that copy any of `needles` and keeps the rows, so a client retrying
   * with the same key still gets its replay (status and `{"erased": true}`), never a second create.
   */
  async eraseAnswersContaining(workspaceId: string, needles: string[]): Promise<number> {
    const [, count]: [unknown, number] = await this.keys.query(
      `UPDATE idempotency_keys SET response_body = '{"erased": true}'::jsonb WHERE ${CONTAINING}`,
      [workspaceId, needles],
    );
    return count;
  }

  @OnJob('idempotency.purge')
  async purge(): Promise<{ deleted: number }> {
    const result = await this.keys.delete({ expiresAt: LessThan(this.clock.now()) });
    return { deleted: result.affected ?? 0 };
  }
}
