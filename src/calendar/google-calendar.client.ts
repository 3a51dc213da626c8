import { Injectable } from '@nestjs/common';
import { auth, calendar, calendar_v3 } from '@googleapis/calendar';
import { InjectConfig, type ConfigOf } from '../config/area-config';
import { calendarConfig } from './calendar.config';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/**
 * Node's own fetch for gaxios: without it gaxios loads `node-fetch` by a dynamic ESM import, one
 * more package on the request path (and one Jest cannot load).
 */
const TRANSPORT = { fetchImplementation: fetch };

/** What a connection holds, sealed: an OAuth grant or a service account's key. */
export type GoogleCredentials =
  | {
      kind: 'oauth';
      access_token?: string | null;
      refresh_token?: string | null;
      expiry_date?: number | null;
    }
  | { kind: 'service_account'; client_email: string; private_key: string; subject?: string };

/** Why a Google call failed, in the terms the callers act on. */
export type GoogleFailureKind =
  /** The grant is gone (revoked, expired refresh token): the connection needs a new consent. */
  | 'reauth'
  /** 410 `fullSyncRequired` (or `updatedMinTooLongAgo`): the sync token is dead. */
  | 'sync_expired'
  /** 404, or 410 `deleted`: the event is not there (any more). */
  | 'gone'
  /** 409 `duplicate`: an event with the id we chose exists (an earlier try got through). */
  | 'duplicate'
  /** 429, 5xx, 403 rate limits, no answer: try again later. */
  | 'transient'
  | 'permanent';

export class GoogleFailure extends Error {
  constructor(
    readonly kind: GoogleFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GoogleFailure';
  }
}

interface GaxiosLike {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; data?: unknown };
}

/** Maps a googleapis/gaxios error (or an OAuth token endpoint refusal) to a GoogleFailure. */
export function googleFailure(err: unknown): GoogleFailure {
  if (err instanceof GoogleFailure) return err;
  const e = (err ?? {}) as GaxiosLike;
  const status = e.response?.status ?? e.status;
  const data = e.response?.data as
    | {
        error?: string | { errors?: Array<{ reason?: string }>; message?: string };
        error_description?: string;
      }
    | undefined;
  const oauth = typeof data?.error === 'string' ? data.error : undefined;
  const reason = typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined;
  const message =
    (typeof data?.error === 'object' ? data.error.message : data?.error_description) ?? e.message ?? 'failed';
  const text = `Google ${status ?? 'request'}: ${reason ?? oauth ?? ''} ${message}`
    .replace(/\s+/g, ' ')
    .trim();
  if (oauth === 'invalid_grant' || oauth === 'unauthorized_client' || /invalid_grant/.test(e.message ?? ''))
    return new GoogleFailure('reauth', text, status);
  if (status === 401) return new GoogleFailure('reauth', text, status);
  if (status === 410 && (reason === 'fullSyncRequired' || reason === 'updatedMinTooLongAgo'))
    return new GoogleFailure('sync_expired', text, status);
  if (status === 404 || status === 410) return new GoogleFailure('gone', text, status);
  if (status === 409 && reason === 'duplicate') return new GoogleFailure('duplicate', text, status);
  if (
    status === undefined ||
    status === 429 ||
    status >= 500 ||
    (status === 403 && /RateLimit|quotaExceeded|usageLimits/i.test(reason ?? ''))
  )
    return new GoogleFailure('transient', text, status);
  return new GoogleFailure('permanent', text, status);
}

/** A Calendar client for one connection; `onTokens` receives refreshed OAuth tokens to store. */
export interface ConnectedCalendar {
  api: calendar_v3.Calendar;
}

/**
 * The one place Ponte builds Google clients: the OAuth 2.0 client of the deployment (consent URL,
 * code exchange, refresh by googleapis itself) and per-connection Calendar clients, all pointed at
 * GOOGLE_ROOT_URL / GOOGLE_OAUTH_URL when set (a fake server in tests).
 */
@Injectable()
export class GoogleCalendarClients {
  constructor(@InjectConfig(calendarConfig) private readonly config: ConfigOf<typeof calendarConfig>) {}

  get configured(): boolean {
    return this.config.clientId !== '' && this.config.clientSecret !== '';
  }

  oauthClient() {
    return new auth.OAuth2({
      transporterOptions: TRANSPORT,
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      redirectUri: this.config.redirectUri,
      endpoints: { oauth2TokenUrl: this.config.tokenUrl, oauth2AuthBaseUrl: this.config.consentUrl },
    });
  }

  consentUrl(state: string): string {
    return this.oauthClient().generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: true,
      scope: [CALENDAR_SCOPE],
      state,
    });
  }

  async exchangeCode(code: string): Promise<GoogleCredentials> {
    try {
      const { tokens } = await this.oauthClient().getToken(code);
      return {
        kind: 'oauth',
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        expiry_date: tokens.expiry_date,
      };
    } catch (err) {
      throw googleFailure(err);
    }
  }

  /** A Calendar client; OAuth clients refresh on their own and report new tokens to `onTokens`. */
  connect(credentials: GoogleCredentials, onTokens: (c: GoogleCredentials) => void): ConnectedCalendar {
    if (credentials.kind === 'service_account') {
      const jwt = new auth.JWT({
        transporterOptions: TRANSPORT,
        email: credentials.client_email,
        key: credentials.private_key,
        scopes: [CALENDAR_SCOPE],
        subject: credentials.subject,
      });
      if (this.config.tokenUrl !== GOOGLE_TOKEN_URL) {
        // gtoken posts to Google's fixed token URL; the override (a fake) is applied on the way out.
        jwt.transporter.interceptors.request.add({
          resolved: (options) => {
            if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(this.config.tokenUrl);
            return Promise.resolve(options);
          },
        });
      }
      return { api: calendar({ version: 'v3', auth: jwt, rootUrl: this.config.rootUrl }) };
    }
    const client = this.oauthClient();
    client.setCredentials({
      access_token: credentials.access_token,
      refresh_token: credentials.refresh_token,
      expiry_date: credentials.expiry_date,
    });
    client.on('tokens', (tokens) =>
      onTokens({
        kind: 'oauth',
        access_token: tokens.access_token ?? credentials.access_token,
        refresh_token: tokens.refresh_token ?? credentials.refresh_token,
        expiry_date: tokens.expiry_date ?? credentials.expiry_date,
      }),
    );
    return { api: calendar({ version: 'v3', auth: client, rootUrl: this.config.rootUrl }) };
  }
}
