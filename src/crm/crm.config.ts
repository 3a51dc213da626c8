import { Transform } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { toInt } from '../config/env';

class CrmEnv {
  @IsOptional() @IsString() BITRIX24_CLIENT_ID?: string;
  @IsOptional() @IsString() BITRIX24_CLIENT_SECRET?: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) BITRIX24_OAUTH_URL?: string;
  @IsOptional() @Transform(toInt) @IsNumber() @Min(0.1) @Max(50) BITRIX24_REQUESTS_PER_SECOND?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(20) BITRIX24_LIMIT_RETRIES?: number;
  @IsOptional() @Matches(/^[a-z0-9_]{1,50}$/) BITRIX24_CONNECTOR_ID?: string;
  @IsOptional() @IsString() CRM_WINDOW_TEMPLATE?: string;
}

/**
 * Bitrix24: the deployment's OAuth application (local or market app), where its OAuth server
 * lives (overridable for a fake), the request pace per portal, the Open Channels connector id, and
 * the template offered to an agent whose reply falls outside WhatsApp's 24-hour window.
 */
export const crmConfig = defineConfig('crm', CrmEnv, (v, app) => ({
  clientId: v.BITRIX24_CLIENT_ID ?? '',
  clientSecret: v.BITRIX24_CLIENT_SECRET ?? '',
  /** `GET <oauthUrl>/oauth/token/` exchanges codes and refresh tokens. */
  oauthUrl: (v.BITRIX24_OAUTH_URL ?? 'https://oauth.bitrix.info').replace(/\/+$/, ''),
  /**
   * Requests per second per portal, across every process. Bitrix24 drains 2/s; below that leaves
   * room for the network's jitter (Bitrix counts arrivals) and other apps on the same portal.
   */
  requestsPerSecond: v.BITRIX24_REQUESTS_PER_SECOND ?? 1.8,
  /** How many times a call answered QUERY_LIMIT_EXCEEDED is tried again, with growing waits. */
  limitRetries: v.BITRIX24_LIMIT_RETRIES ?? 5,
  connectorId: v.BITRIX24_CONNECTOR_ID ?? 'ponte_whatsapp',
  windowTemplate: v.CRM_WINDOW_TEMPLATE ?? null,
  publicUrl: (app?.app.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, ''),
}));
