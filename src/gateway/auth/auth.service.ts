import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ProblemException } from '../../platform/http/problem';
import { Principal } from '../../platform/http/principal';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Role, User } from '../operators/user.entity';
import { DUMMY_HASH, verifyPassword } from '../operators/passwords';
import { sha256Hex } from '../../platform/crypto/constant-time';
import { hasScope, ROLE_SCOPES } from './scopes';

export interface AccessClaims {
  sub: string;
  ws: string;
  role: Role;
  typ: 'access';
}

const unauthenticated = (detail = 'Send Authorization: Bearer <API key or access token>') =>
  new ProblemException('UNAUTHENTICATED', detail);

/** Turns credentials (an API key or an operator JWT) into a Principal. */
@Injectable()
export class AuthService {
  private readonly consoleLogins = new Map<string, number>();

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly jwt: JwtService,
    @InjectRepository(User) private readonly users: Repository<User>,
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
    if (claims.typ !== 'access' || !ROLE_SCOPES[claims.role]) throw unauthenticated('Invalid access token');
    return {
      workspaceId: claims.ws,
      actorType: 'user',
      actorId: claims.sub,
      scopes: ROLE_SCOPES[claims.role],
    };
  }

  /**
   * Bull Board's Basic auth: an admin operator's e-mail and password, or any user name with an
   * API key holding `admin` as the password.
   */
  async verifyOperatorConsole(username: string, password: string): Promise<boolean> {
    if (password.startsWith('pk_')) {
      const principal = await this.fromApiKey(password).catch(() => undefined);
      return !!principal && hasScope(principal.scopes, 'admin');
    }
    // Bull Board polls every few seconds: remember a good password briefly instead of re-hashing.
    const cacheKey = sha256Hex(`${username}\n${password}`);
    if ((this.consoleLogins.get(cacheKey) ?? 0) > Date.now()) return true;
    const user = await this.users.findOneBy({ email: username.trim().toLowerCase(), disabledAt: IsNull() });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || user.role !== 'admin' || !ok) return false;
    if (this.consoleLogins.size > 1000) this.consoleLogins.clear();
    this.consoleLogins.set(cacheKey, Date.now() + 30_000);
    return true;
  }
}
