import type { OutboundResponse } from '../../../platform/outbound/outbound-http';
import type { ProviderAccount } from '../../../notifications/providers/provider-adapter';
import {
  pngFromBase64,
  SESSION_STATUSES,
  type SessionControl,
  type SessionState,
  type SessionStatus,
} from '../../../notifications/providers/session-control';
import { wahaFailure, type WahaError } from './waha-messages';
import type { WahaConfig } from './waha.adapter';

interface SessionAnswer extends WahaError {
  status?: string;
  me?: { id?: string } | null;
}

/** `GET /api/{session}/auth/qr?format=image` asked for JSON: the PNG in base64. */
interface QrAnswer extends WahaError {
  mimetype?: string;
  data?: string;
}

export type WahaCall = <T extends WahaError>(
  account: ProviderAccount<WahaConfig>,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
) => Promise<OutboundResponse & { data: T | undefined }>;

const ok = (status: number) => status >= 200 && status < 300;

/** A WAHA session's status words are the normalised ones already; anything else is FAILED. */
export function wahaSessionState(answer: SessionAnswer | undefined): SessionState {
  const raw = answer?.status ?? 'UNKNOWN';
  const status = (SESSION_STATUSES as readonly string[]).includes(raw) ? (raw as SessionStatus) : 'FAILED';
  return { status, raw, me: answer?.me?.id ?? null };
}

/** WAHA sessions (providers.md §4.3): `/api/sessions/{name}/start|stop`, its status and QR. */
export class WahaSessions implements SessionControl<WahaConfig> {
  constructor(private readonly call: WahaCall) {}

  async start(account: ProviderAccount<WahaConfig>): Promise<SessionState> {
    const name = account.config.session;
    let res = await this.call<SessionAnswer>(account, 'POST', `${this.path(name)}/start`);
    // A session WAHA does not know yet is created, started at once.
    if (res.status === 404)
      res = await this.call<SessionAnswer>(account, 'POST', '/api/sessions', { name, start: true });
    // 422: it runs already (STARTING, SCAN_QR_CODE or WORKING): starting it is done.
    if (res.status === 422) return this.status(account);
    if (!ok(res.status)) throw wahaFailure(res.status, res.data);
    return wahaSessionState(res.data);
  }

  async stop(account: ProviderAccount<WahaConfig>): Promise<SessionState> {
    const res = await this.call<SessionAnswer>(account, 'POST', `${this.path(account.config.session)}/stop`);
    if (res.status === 404) return { status: 'STOPPED', raw: 'NOT_FOUND', me: null };
    if (!ok(res.status)) throw wahaFailure(res.status, res.data);
    return { ...wahaSessionState(res.data), status: 'STOPPED' };
  }

  async status(account: ProviderAccount<WahaConfig>): Promise<SessionState> {
    const res = await this.call<SessionAnswer>(account, 'GET', this.path(account.config.session));
    if (res.status === 404) return { status: 'STOPPED', raw: 'NOT_FOUND', me: null };
    if (!ok(res.status)) throw wahaFailure(res.status, res.data);
    return wahaSessionState(res.data);
  }

  async qr(account: ProviderAccount<WahaConfig>): Promise<Buffer | null> {
    const session = encodeURIComponent(account.config.session);
    const res = await this.call<QrAnswer>(account, 'GET', `/api/${session}/auth/qr?format=image`);
    // 422: the session is not waiting for a scan (WORKING, STOPPED...); 404: no such session.
    if (res.status === 422 || res.status === 404) return null;
    if (!ok(res.status)) throw wahaFailure(res.status, res.data);
    return pngFromBase64(res.data?.data);
  }

  webhookKey(account: ProviderAccount<WahaConfig>): string {
    return account.config.session;
  }

  private path(name: string): string {
    return `/api/sessions/${encodeURIComponent(name)}`;
  }
}
