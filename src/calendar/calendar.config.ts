import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { toInt } from '../config/env';

class CalendarEnv {
  @IsOptional() @IsString() GOOGLE_CLIENT_ID?: string;
  @IsOptional() @IsString() GOOGLE_CLIENT_SECRET?: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) GOOGLE_ROOT_URL?: string;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) GOOGLE_OAUTH_URL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(5_000) CALENDAR_SYNC_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(365) CALENDAR_SYNC_DAYS_BACK?: number;
}

/**
 * Google Calendar: the OAuth client of the deployment, where the APIs live (overridable for a fake
 * server) and how often each connection is synced incrementally.
 */
export const calendarConfig = defineConfig('calendar', CalendarEnv, (v, app) => {
  const oauthBase = (v.GOOGLE_OAUTH_URL ?? '').replace(/\/+$/, '');
  return {
    clientId: v.GOOGLE_CLIENT_ID ?? '',
    clientSecret: v.GOOGLE_CLIENT_SECRET ?? '',
    /** googleapis `rootUrl`: the fake must serve `/calendar/v3/...` at its root. */
    rootUrl: `${(v.GOOGLE_ROOT_URL ?? 'https://www.googleapis.com').replace(/\/+$/, '')}/`,
    tokenUrl: oauthBase ? `${oauthBase}/token` : 'https://oauth2.googleapis.com/token',
    consentUrl: oauthBase ? `${oauthBase}/o/oauth2/v2/auth` : 'https://accounts.google.com/o/oauth2/v2/auth',
    /** Where Google sends the browser back after consent. */
    redirectUri: `${(app?.app.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '')}/v1/calendar/google/oauth/callback`,
    syncIntervalMs: v.CALENDAR_SYNC_INTERVAL_MS ?? 5 * 60_000,
    syncDaysBack: v.CALENDAR_SYNC_DAYS_BACK ?? 7,
  };
});
