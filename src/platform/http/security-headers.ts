import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: answers of this route carry none of helmet's browser headers (webhook routes). */
    securityHeaders?: false;
  }
}

/** The headers helmet sets for `options`: they depend on nothing in the request. */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * helmet's headers on every answer, worked out once at start-up: @fastify/helmet built helmet's
 * middleware again for every request (3 % of the API's CPU under load). A route opts out with
 * `config: { securityHeaders: false }`.
 */
export function installSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const headers = helmetHeaders(options);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config?.securityHeaders !== false) void reply.headers(headers);
    done();
  });
}
