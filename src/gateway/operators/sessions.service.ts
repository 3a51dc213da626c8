import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { Clock } from '../../platform/clock';
import { randomToken, sha256Hex } from '../../platform/crypto/constant-time';
import { ProblemException } from '../../platform/http/problem';
import { AccessClaims } from '../auth/auth.service';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import { LoginDto, TokensView } from './operators.dto';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { RefreshToken } from './refresh-token.entity';
import { User } from './user.entity';

const ACCESS_TTL_SECONDS = 15 * 60;
const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
/** Login attempts per e-mail and IP: 10 per 15 minutes. */
const LOGIN_LIMIT = 10;
const LOGIN_PERIOD_MS = 15 * 60 * 1000;

const invalid = () => new ProblemException('UNAUTHENTICATED', 'Invalid e-mail or password');

/** Operator sessions: login, rotating refresh tokens with reuse detection, logout. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly jwt: JwtService,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
  ) {}

  async login(dto: LoginDto, ip: string): Promise<TokensView> {
    const decision = await this.limiter.consume(
      `login:${sha256Hex(`${dto.email}|${ip}`)}`,
      LOGIN_LIMIT,
      LOGIN_PERIOD_MS,
    );
    if (!decision.allowed) {
      throw new ProblemException('RATE_LIMITED', 'Too many login attempts; try again later', {
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
    const user = await this.users.findOneBy({ email: dto.email, disabledAt: IsNull() });
    // Same work whether or not the e-mail exists, so timing does not reveal accounts.
    const ok = await verifyPassword(dto.password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) throw invalid();
    return this.issue(user, uuidv7());
  }

  async refresh(refreshToken: string): Promise<TokensView> {
    const hash = sha256Hex(refreshToken);
    const now = this.clock.now();
    // One transaction: the session always has a live token (the old or the new one), so an access
    // token checked meanwhile (isActive) never sees it ended.
    const outcome = await this.tokens.manager.transaction(
      async (tx): Promise<TokensView | 'unknown' | 'disabled'> => {
        const used = await tx
          .createQueryBuilder()
          .update(RefreshToken)
          .set({ revokedAt: now })
          .where('token_hash = :hash AND revoked_at IS NULL AND expires_at > :now', { hash, now })
          .returning(['userId', 'familyId'])
          .execute();
        const row = (used.raw as Array<{ user_id: string; family_id: string }>)[0];
        if (!row) return 'unknown';
        const user = await tx.findOneBy(User, { id: row.user_id, disabledAt: IsNull() });
        if (!user) return 'disabled';
        return this.issue(user, row.family_id, tx.getRepository(RefreshToken));
      },
    );
    if (typeof outcome === 'object') return outcome;
    if (outcome === 'disabled') throw new ProblemException('UNAUTHENTICATED', 'User disabled');
    // A rotated token presented again means it leaked: end the whole session family.
    const reused = await this.tokens.findOneBy({ tokenHash: hash });
    if (reused)
      await this.tokens.update({ familyId: reused.familyId, revokedAt: IsNull() }, { revokedAt: now });
    throw new ProblemException('UNAUTHENTICATED', 'Invalid, expired or already used refresh token');
  }

  /**
   * Whether an access token's session still stands: the user is enabled and the session (token
   * family) has a live refresh token. Logout, reuse detection and disabling the user revoke them,
   * so the access token stops with the next request. One indexed query, as for API keys.
   */
  async isActive(userId: string, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await this.tokens.query(
      `SELECT 1 FROM users u
       WHERE u.id = $1 AND u.disabled_at IS NULL
         AND EXISTS (SELECT 1 FROM refresh_tokens rt
                     WHERE rt.family_id = $2 AND rt.user_id = $1 AND rt.revoked_at IS NULL AND rt.expires_at > now())`,
      [userId, sessionId],
    );
    return rows.length > 0;
  }

  async logout(refreshToken: string): Promise<void> {
    const token = await this.tokens.findOneBy({ tokenHash: sha256Hex(refreshToken) });
    if (token)
      await this.tokens.update(
        { familyId: token.familyId, revokedAt: IsNull() },
        { revokedAt: this.clock.now() },
      );
  }

  private async issue(user: User, familyId: string, tokens = this.tokens): Promise<TokensView> {
    const claims: AccessClaims = {
      sub: user.id,
      ws: user.workspaceId,
      role: user.role,
      typ: 'access',
      sid: familyId,
    };
    const accessToken = await this.jwt.signAsync(claims, {
      expiresIn: ACCESS_TTL_SECONDS,
      algorithm: 'HS256',
    });
    const refreshToken = randomToken('rt', 32);
    await tokens.insert({
      id: uuidv7(),
      userId: user.id,
      workspaceId: user.workspaceId,
      familyId,
      tokenHash: sha256Hex(refreshToken),
      expiresAt: new Date(this.clock.nowMs() + REFRESH_TTL_MS),
      revokedAt: null,
    });
    return { accessToken, refreshToken, expiresIn: ACCESS_TTL_SECONDS, tokenType: 'Bearer' };
  }
}
