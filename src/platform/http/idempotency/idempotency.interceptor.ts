import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { ProblemException } from '../problem';
import { AuthenticatedRequest } from '../principal';
import { IdempotencyService, requestHash } from './idempotency.service';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (key === undefined) return next.handle();
    return from(this.run(context, request, String(key), next));
  }

  private async run(
    context: ExecutionContext,
    request: AuthenticatedRequest,
    key: string,
    next: CallHandler,
  ) {
    if (!KEY_PATTERN.test(key)) {
      throw new ProblemException('VALIDATION_FAILED', 'Invalid Idempotency-Key', {
        errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }],
      });
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const workspaceId = request.principal!.workspaceId;
    const route = request.routeOptions?.url ?? request.url;
    const claim = await this.idempotency.claim(
      workspaceId,
      key,
      requestHash(request.method, route, request.body),
    );
    if (claim.kind === 'replay') {
      void reply.header('Idempotency-Replayed', 'true');
      void reply.status(claim.status);
      return claim.body;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      // Nest sets the route's status before interceptors run; a handler may have changed it since
      // (an upsert answering 200 instead of 201): the replay must answer what was answered.
      await this.idempotency.complete(workspaceId, key, reply.statusCode, body);
      return body;
    } catch (err) {
      // As Stripe does, a refused request (validation, conflict, a template missing data) leaves
      // no result behind: it changed nothing, and the corrected request with the same key must run
      // rather than meet IDEMPOTENCY_KEY_REUSED. A 5xx is released too, so that a retry runs.
      await this.idempotency.release(workspaceId, key).catch(() => undefined);
      throw err;
    }
  }
}

/**
 * Marks a create endpoint: it honours `Idempotency-Key`. The interceptor is attached to these
 * routes only, so the webhook path and reads pay nothing for it.
 */
export const Idempotent = () => UseInterceptors(IdempotencyInterceptor);
