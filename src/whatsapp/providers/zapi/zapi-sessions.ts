import type { OutboundHttp } from '../../../platform/outbound/outbound-http';
import { networkFailure, type ProviderAccount } from '../../../notifications/providers/provider-adapter';
import {
  pngFromBase64,
  type SessionControl,
  type SessionState,
} from '../../../notifications/providers/session-control';
import { zapiFailure, type ZapiError } from './zapi-messages';
import type { ZapiConfig } from './zapi.adapter';

interface StatusAnswer extends ZapiError {
  connected?: boolean;
}

/** `/qr-code/image`: `{value: "data:image/png;base64,..."}` (nothing to scan once connected). */
interface QrAnswer extends ZapiError {
  value?: string;
  connected?: boolean;
}

/**
 * A Z-API instance (providers.md §3.4) always runs: connected is WORKING, not connected is waiting
 * for its QR to be scanned; start is `/restart`, stop `/disconnect`.
 */
export class ZapiSessions implements SessionControl<ZapiConfig> {
  constructor(
    private readonly http: OutboundHttp,
    private readonly root: (config: ZapiConfig) => string,
  ) {}

  async start(account: ProviderAccount<ZapiConfig>): Promise<SessionState> {
    await this.get(account, 'restart');
    return this.status(account);
  }

  async stop(account: ProviderAccount<ZapiConfig>): Promise<SessionState> {
    await this.get(account, 'disconnect');
    return { status: 'STOPPED', raw: 'disconnected' };
  }

  async status(account: ProviderAccount<ZapiConfig>): Promise<SessionState> {
    const d = await this.get<StatusAnswer>(account, 'status');
    if (d?.connected === true) return { status: 'WORKING', raw: 'connected' };
    return { status: 'SCAN_QR_CODE', raw: d?.error ?? 'not connected' };
  }

  async qr(account: ProviderAccount<ZapiConfig>): Promise<Buffer | null> {
    const d = await this.get<QrAnswer>(account, 'qr-code/image');
    return pngFromBase64(d?.value);
  }

  webhookKey(account: ProviderAccount<ZapiConfig>): string {
    return account.config.instanceId;
  }

  private async get<T extends ZapiError>(
    account: ProviderAccount<ZapiConfig>,
    method: string,
  ): Promise<T | undefined> {
    let res;
    try {
      res = await this.http.json<T>({
        url: `${this.root(account.config)}/${method}`,
        method: 'GET',
        headers: { 'client-token': account.config.clientToken },
      });
    } catch (err) {
      throw networkFailure(err);
    }
    if (res.status !== 200) throw zapiFailure(res.status, res.data);
    return res.data;
  }
}
