import { Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { Clock } from '../../platform/clock';
import { OutboundError, OutboundHttp } from '../../platform/outbound/outbound-http';
import { crmConfig } from '../crm.config';
import type { PortalTokens } from '../connections/crm-connection.entity';
import { Bitrix24Failure } from './bitrix24-failure';

/** Bitrix24's token answer (providers.md §5.1). */
interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  member_id?: string;
  client_endpoint?: string;
  domain?: string;
  error?: string;
  error_description?: string;
}

export interface Grant {
  tokens: PortalTokens;
  memberId: string | null;
  clientEndpoint: string | null;
}

/**
 * The OAuth server of Bitrix24 (`oauth.bitrix.info`): a code exchanged once, a refresh token used
 * once (each refresh answers a new one, which must be kept: the old one no longer works).
 */
@Injectable()
export class Bitrix24OAuth {
  constructor(
    private readonly http: OutboundHttp,
    private readonly clock: Clock,
    @InjectConfig(crmConfig) private readonly config: ConfigOf<typeof crmConfig>,
  ) {}

  get configured(): boolean {
    return !!this.config.clientId && !!this.config.clientSecret;
  }

  /** Where the portal's administrator consents: `https://<portal>/oauth/authorize/`. */
  consentUrl(portalUrl: string, state: string): string {
    const url = new URL('/oauth/authorize/', portalUrl);
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('state', state);
    return url.toString();
  }

  exchangeCode(code: string): Promise<Grant> {
    return this.token({ grant_type: 'authorization_code', code });
  }

  refresh(refreshToken: string): Promise<Grant> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  private async token(params: Record<string, string>): Promise<Grant> {
    const url = new URL(`${this.config.oauthUrl}/oauth/token/`);
    for (const [k, v] of Object.entries({
      ...params,
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
    }))
      url.searchParams.set(k, v);
    let res;
    try {
      res = await this.http.json<TokenAnswer>({ url: url.toString(), method: 'GET' });
    } catch (err) {
      throw new Bitrix24Failure(
        err instanceof OutboundError ? 'NETWORK' : 'BAD_RESPONSE',
        (err as Error).message,
      );
    }
    const body = res.data;
    if (res.status >= 500)
      throw new Bitrix24Failure('NETWORK', `OAuth server answered ${res.status}`, res.status);
    if (!body || body.error || !body.access_token || !body.refresh_token)
      throw new Bitrix24Failure(
        body?.error || 'BAD_RESPONSE',
        body?.error_description ?? `OAuth server answered ${res.status}`,
        res.status,
      );
    return {
      tokens: {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: this.clock.nowMs() + (Number(body.expires_in) || 3600) * 1000,
      },
      memberId: body.member_id ?? null,
      clientEndpoint: body.client_endpoint ?? null,
    };
  }
}
