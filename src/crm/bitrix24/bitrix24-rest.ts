import { Injectable } from '@nestjs/common';
import { stringify } from 'qs';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { ProviderPacer } from '../../notifications/providers/provider-pacer';
import { OutboundError, OutboundHttp } from '../../platform/outbound/outbound-http';
import { PortalGrants, type PortalAccess } from '../connections/portal-grants';
import { crmConfig } from '../crm.config';
import { Bitrix24Failure, limitBackoffMs } from './bitrix24-failure';

/** A portal to call: the connection row's id, and its member_id (the pace is per portal). */
export interface Portal {
  id: string;
  memberId: string | null;
}

interface Envelope<T> {
  result?: T;
  error?: string;
  error_description?: string;
}

export interface BatchAnswer {
  result: Record<string, unknown>;
  errors: Record<string, { error: string; error_description?: string }>;
}

/** Bitrix24 takes at most 50 commands in one `batch`. */
export const BATCH_MAX = 50;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Bitrix24's REST API for an installed application (providers.md §5.2): `POST <client_endpoint><method>`
 * with the access token as `auth`. Every call takes a slot of its portal's pace first (shared by every
 * process through Redis, ProviderPacer); QUERY_LIMIT_EXCEEDED is tried again after a growing wait,
 * and `expired_token` once, after a refresh (PortalGrants makes it one refresh for everybody).
 */
@Injectable()
export class Bitrix24Rest {
  constructor(
    private readonly http: OutboundHttp,
    private readonly grants: PortalGrants,
    private readonly pacer: ProviderPacer,
    @InjectConfig(crmConfig) private readonly config: ConfigOf<typeof crmConfig>,
  ) {}

  async call<T = unknown>(portal: Portal, method: string, params: Record<string, unknown> = {}): Promise<T> {
    let access = await this.grants.access(portal.id);
    let refreshed = false;
    for (let limited = 0; ;) {
      try {
        return await this.once<T>(portal, access, method, params);
      } catch (err) {
        if (!(err instanceof Bitrix24Failure)) throw err;
        if (err.code === 'expired_token' && !refreshed) {
          refreshed = true;
          access = await this.grants.refresh(portal.id, access.accessToken);
          continue;
        }
        if (err.code === 'QUERY_LIMIT_EXCEEDED' && limited < this.config.limitRetries) {
          await sleep(limitBackoffMs(limited++));
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * Up to 50 calls in one request (`halt: 0`: each fails on its own). `cmd` values are
   * `[method, params]`; an earlier command's result can be named as `$result[key]`.
   */
  async batch(portal: Portal, cmd: Record<string, [string, Record<string, unknown>]>): Promise<BatchAnswer> {
    const entries = Object.entries(cmd);
    if (entries.length > BATCH_MAX) throw new Error(`batch of ${entries.length} > ${BATCH_MAX}`);
    const encoded = Object.fromEntries(
      entries.map(([key, [method, params]]) => [
        key,
        `${method}?${stringify(params, { encodeValuesOnly: true })}`,
      ]),
    );
    const answer = await this.call<{ result?: Record<string, unknown>; result_error?: unknown }>(
      portal,
      'batch',
      { halt: 0, cmd: encoded },
    );
    const errors = answer.result_error;
    return {
      result: answer.result && !Array.isArray(answer.result) ? answer.result : {},
      errors: errors && !Array.isArray(errors) ? (errors as BatchAnswer['errors']) : {},
    };
  }

  private async once<T>(
    portal: Portal,
    access: PortalAccess,
    method: string,
    params: Record<string, unknown>,
  ): Promise<T> {
    const wait = await this.pacer.reserve(
      `bitrix24:${portal.memberId ?? portal.id}`,
      this.config.requestsPerSecond,
    );
    if (wait > 0) await sleep(wait);
    let res;
    try {
      res = await this.http.json<Envelope<T>>({
        url: `${access.endpoint.replace(/\/?$/, '/')}${method}`,
        method: 'POST',
        json: { ...params, auth: access.accessToken },
      });
    } catch (err) {
      throw new Bitrix24Failure(
        err instanceof OutboundError ? 'NETWORK' : 'BAD_RESPONSE',
        (err as Error).message,
      );
    }
    const body = res.data;
    if (body?.error)
      throw new Bitrix24Failure(body.error, body.error_description ?? `HTTP ${res.status}`, res.status);
    if (res.status >= 400 || !body || !('result' in body))
      throw new Bitrix24Failure(
        res.status === 503 ? 'QUERY_LIMIT_EXCEEDED' : 'BAD_RESPONSE',
        `Bitrix24 answered ${res.status}`,
        res.status,
      );
    return body.result as T;
  }
}
