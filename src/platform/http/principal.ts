import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who is calling: resolved by the gateway's guard from an API key or an operator JWT. */
export interface Principal {
  workspaceId: string;
  actorType: 'api_key' | 'user';
  actorId: string;
  scopes: string[];
  /** API keys only: their own limit, else the default. */
  rateLimitPerMinute?: number;
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

export const IS_PUBLIC = 'ponte:public';
export const REQUIRED_SCOPE = 'ponte:scope';

/** No credentials needed (health, webhooks, login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The scope a route needs, e.g. `events:write`; `admin` and `platform:admin` for administration. */
export const RequireScope = (scope: string) => SetMetadata(REQUIRED_SCOPE, scope);

export const METRICS_TOKEN_ACCEPTED = 'ponte:metrics-token';

/**
 * Operations data (every tenant's queues and providers): `platform:admin`, or the METRICS_TOKEN a
 * Prometheus scraper holds as `Authorization: Bearer <token>`.
 */
export const OperatorsOrMetricsToken = () =>
  applyDecorators(SetMetadata(METRICS_TOKEN_ACCEPTED, true), RequireScope('platform:admin'));

/** The caller, in a controller: `list(@Caller() caller: Principal)`. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@Caller() used on a public route');
  return principal;
});
