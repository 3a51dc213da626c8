import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../config/config';
import { ProblemException } from '../../platform/http/problem';
import { safeEqual } from '../../platform/crypto/constant-time';
import {
  AuthenticatedRequest,
  IS_PUBLIC,
  METRICS_TOKEN_ACCEPTED,
  REQUIRED_SCOPE,
} from '../../platform/http/principal';
import { RateLimiter } from '../../platform/rate-limit/rate-limiter';
import { AuthService } from './auth.service';
import { hasScope } from './scopes';

/**
 * The one guard of the API: credentials → principal (401), scope (403), then the key's rate limit
 * (429) with `RateLimit-*` headers on every answer.
 */
@Injectable()
export class GatewayGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (
      this.reflector.getAllAndOverride<boolean>(METRICS_TOKEN_ACCEPTED, targets) &&
      this.isMetricsToken(request)
    )
      return true;

    const principal = await this.auth.authenticate(request.headers);
    request.principal = principal;
    const required = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, targets);
    if (required && !hasScope(principal.scopes, required)) {
      throw new ProblemException('FORBIDDEN_SCOPE', `This route needs the scope ${required}`);
    }

    const limit = principal.rateLimitPerMinute ?? this.config.limits.rateLimitPerMinute;
    const decision = await this.limiter.consume(`${principal.actorType}:${principal.actorId}`, limit, 60_000);
    if (!decision.failedOpen) {
      void reply.header('RateLimit-Limit', String(decision.limit));
      void reply.header('RateLimit-Remaining', String(decision.remaining));
      void reply.header('RateLimit-Reset', String(decision.resetSeconds));
    }
    if (!decision.allowed) {
      throw new ProblemException('RATE_LIMITED', `More than ${limit} requests per minute for this key`, {
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
    return true;
  }

  private isMetricsToken(request: AuthenticatedRequest): boolean {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    return safeEqual(token, this.config.security.metricsToken);
  }
}
