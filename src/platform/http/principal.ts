import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
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

/** The caller, in a controller: `list(@Caller() caller: Principal)`. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@Caller() used on a public route');
  return principal;
});
