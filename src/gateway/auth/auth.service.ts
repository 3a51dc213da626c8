import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { sha256Hex } from '../../platform/crypto/constant-time';
import { ProblemException } from '../../platform/http/problem';
import { Principal } from '../../platform/http/principal';
import { ApiKeysService } from '../api-keys/api-keys.service';
import type { SignInThrottle } from '../operator-console/bull-board';
import { SessionsService } from '../operators/sessions.service';
import { Role } from '../operators/user.entity';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import { hasScope, ROLE_SCOPES } from './scopes';

export interface AccessClaims {
  sub: string;
  ws: string;
  role: Role;
  typ: 'access';
  /** The session (refresh-token family): logout or disabling the user ends it, and the token with it. */
  sid: string;
  exp?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONSOLE_ATTEMPTS = 10;
const CONSOLE_PERIOD_MS = 15 * 60 * 1000;

const unauthenticated = (detail = 'Send Authorization: Bearer <API key or access token>') =>
  new ProblemException('UNAUTHENTICATED', detail);

/** Turns credentials (an API key or an operator JWT) into a Principal. */
@Injectable()
export class AuthService {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly jwt: JwtService,
    private readonly limiter: RateLimiter,
    private readonly sessions: SessionsService,
  ) {}

  /** `Authorization: Bearer <token>` or `X-API-Key: <key>`. */
  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Principal> {
    const auth = typeof headers.authorization === 'string' ? headers.authorization : undefined;
    const apiKeyHeader = typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : undefined;
    const token = auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? apiKeyHeader?.trim();
    if (!token) throw unauthenticated();
    if (token.startsWith('pk_')) return this.fromApiKey(token);
    if (token.split('.').length === 3) return this.fromAccessToken(token);
    throw unauthenticated('Unknown credentials');
  }

  async fromApiKey(key: string): Promise<Principal> {
    const found = key.length <= 200 ? await this.apiKeys.findActiveByKey(key) : null;
    if (!found) throw unauthenticated('Unknown or revoked API key');
    return {
      workspaceId: found.workspaceId,
      actorType: 'api_key',
      actorId: found.id,
      scopes: found.scopes,
      rateLimitPerMinute: found.rateLimitPerMinute ?? undefined,
    };
  }

  private async fromAccessToken(token: string): Promise<Principal> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw unauthenticated('Invalid or expired access token');
    }
    // A token without expiry would be good forever; a role must be one of ours, not `__proto__`.
    if (
      claims.typ !== 'access' ||
      typeof claims.exp !== 'number' ||
      typeof claims.role !== 'string' ||
      !Object.hasOwn(ROLE_SCOPES, claims.role) ||
      ![claims.sid, claims.sub, claims.ws].every((id) => typeof id === 'string' && UUID.test(id))
    )
      throw unauthenticated('Invalid access token');
    // Checked on every request, like API keys: a logout or a disabled user stops the token at once.
    if (!(await this.sessions.isActive(claims.sub, claims.sid)))
      throw unauthenticated('The session has ended; log in again');
    return {
      workspaceId: claims.ws,
      actorType: 'user',
      actorId: claims.sub,
      scopes: ROLE_SCOPES[claims.role],
    };
  }

  /**
   * Bull Board's Basic auth: any user name, and an API key holding `platform:admin` as the
   * password. The queues are shared infrastructure, every tenant's jobs side by side, so a
   * workspace's own admin (key or operator) is refused.
   */
  async verifyOperatorConsole(_username: string, password: string): Promise<boolean> {
    if (!password.startsWith('pk_')) return false;
    try {
      return hasScope((await this.fromApiKey(password)).scopes, 'platform:admin');
    } catch (err) {
      // Unknown or revoked is a refusal; a database outage is not, and answers 503.
      if (err instanceof ProblemException && err.code === 'UNAUTHENTICATED') return false;
      throw err;
    }
  }

  /** Refused board sign-ins per client address: 10 per 15 minutes, like operator logins. */
  readonly consoleThrottle: SignInThrottle = {
    blocked: (ip) => this.consoleAttempt(ip, true),
    refused: (ip) => this.consoleAttempt(ip, false),
  };

  private async consoleAttempt(ip: string, peek: boolean): Promise<number | undefined> {
    const decision = await this.limiter.consume(
      `console:${sha256Hex(ip)}`,
      CONSOLE_ATTEMPTS,
      CONSOLE_PERIOD_MS,
      peek,
    );
    return decision.allowed ? undefined : decision.retryAfterSeconds;
  }
}
