import { Injectable } from '@nestjs/common';
import { TtlCache } from '../../../platform/cache/ttl-cache';
import { Clock } from '../../../platform/clock';
import { OutboundError, OutboundHttp } from '../../../platform/outbound/outbound-http';
import { AdapterFailure } from '../accounting-adapter';
import { omieFailure } from './omie-fault';

export interface OmieCredentials {
  baseUrl: string;
  appKey: string;
  appSecret: string;
}

/** Omie repeats a query within 60 s only once ("consumo redundante"): answers are kept that long. */
const REDUNDANT_WINDOW_MS = 60_000;

/**
 * Omie's JSON call: `POST <base>/<module>/<service>/` with `{call, app_key, app_secret, param:[{…}]}`.
 * Honours its limits (business-br.md §4.5): calls are serialised per (app key, method) — Omie has
 * no support for simultaneous inserts/changes and allows few concurrent calls per method —,
 * queries are answered from a 60-second cache instead of being repeated, a key Omie blocked for
 * misuse is not called again until the wait it gave is over, and faults are read from the body
 * whatever the HTTP status.
 */
@Injectable()
export class OmieClient {
  private readonly lanes = new Map<string, Promise<unknown>>();
  private readonly reads: TtlCache<string, unknown>;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly http: OutboundHttp,
    private readonly clock: Clock,
  ) {
    this.reads = new TtlCache(clock, { ttlMs: REDUNDANT_WINDOW_MS, max: 5000 });
  }

  /** One call; `read` calls are cached for the redundancy window, writes clear the service's cache. */
  async call<T>(
    creds: OmieCredentials,
    service: string,
    call: string,
    param: Record<string, unknown>,
    options: { read?: boolean } = {},
  ): Promise<T> {
    const cacheKey = `${creds.appKey}|${service}|${call}|${JSON.stringify(param)}`;
    if (options.read) {
      const hit = this.reads.get(cacheKey);
      if (hit !== undefined) return hit as T;
    } else {
      this.reads.deleteWhere((k) => k.startsWith(`${creds.appKey}|${service}|`));
    }
    const blocked = this.blockedUntil.get(creds.appKey) ?? 0;
    if (blocked > this.clock.nowMs())
      throw new AdapterFailure(
        'transient',
        'OMIE_BLOCKED',
        'Omie blocked this app key for misuse; waiting before calling again',
        blocked - this.clock.nowMs(),
      );
    const result = await this.inLane(`${creds.appKey}|${call}`, () =>
      this.post<T>(creds, service, call, param),
    );
    if (options.read) this.reads.set(cacheKey, result);
    return result;
  }

  /** Forgets cached answers of a key (a read that must see a change made elsewhere since). */
  forget(appKey: string): void {
    this.reads.deleteWhere((k) => k.startsWith(`${appKey}|`));
  }

  private async post<T>(creds: OmieCredentials, service: string, call: string, param: object): Promise<T> {
    const url = `${creds.baseUrl.replace(/\/+$/, '')}/${service.replace(/^\/+|\/+$/g, '')}/`;
    let res;
    try {
      res = await this.http.json<unknown>({
        url,
        method: 'POST',
        json: { call, app_key: creds.appKey, app_secret: creds.appSecret, param: [param] },
      });
    } catch (err) {
      if (err instanceof OutboundError && err.kind === 'unsafe-url')
        throw new AdapterFailure('permanent', 'OMIE_URL_REFUSED', err.message);
      throw new AdapterFailure('transient', 'OMIE_NETWORK', `Omie ${call}: ${(err as Error).message}`);
    }
    const failure = omieFailure(res.status, res.data ?? res.body, res.headers['retry-after']);
    if (failure) {
      if (failure.code === 'OMIE_BLOCKED' && failure.retryAfterMs)
        this.blockedUntil.set(creds.appKey, this.clock.nowMs() + failure.retryAfterMs);
      throw failure;
    }
    return res.data as T;
  }

  /** Runs `task` after the previous call of the same lane finished (whatever its outcome). */
  private inLane<T>(lane: string, task: () => Promise<T>): Promise<T> {
    const previous = this.lanes.get(lane) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(lane, settled);
    void settled.then(() => {
      if (this.lanes.get(lane) === settled) this.lanes.delete(lane);
    });
    return run;
  }
}
