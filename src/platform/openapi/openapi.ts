import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { IS_PUBLIC } from '../http/principal';
import { listProblemCodes, ProblemResponse } from './problem-response';
import { applyKindBodies, markFreeFormObjects } from './schema-shapes';

// Compiled, this file lives one level deeper (dist/src/...), so step out of dist as well.
const here = resolve(__dirname, '../../..');
/** Where package.json and openapi.json live, from the sources or the build. */
export const PROJECT_ROOT = basename(here) === 'dist' ? resolve(here, '..') : here;

export const DOCS_PATH = 'docs';
export const DOCUMENT_PATH = 'docs/openapi.json';

const DESCRIPTION = `Ponte's REST API for integrators. Conventions that hold on every \`/v1\` route:

- **Authentication**: \`Authorization: Bearer <token>\` with an API key (\`pk_...\`) or an operator access token (JWT); \`X-API-Key: <key>\` is accepted too. A key sees only its own workspace: a foreign id answers 404.
- **Errors** are RFC 9457 \`application/problem+json\` (\`ProblemResponse\`): switch on the stable upper-snake \`code\`; \`VALIDATION_FAILED\` lists \`errors: [{field, message}]\` with dot paths such as \`to.phone\`.
- **Bodies** are \`application/json\` only (415 otherwise), size-capped (413); unknown fields are refused (400).
- **Lists** take \`?limit=\` (default 50, max 200) and \`?cursor=\`, and answer \`{data, nextCursor}\`; pass \`nextCursor\` back as \`cursor\` until it is \`null\`. Ids are UUIDv7, newest first.
- **Idempotency**: POSTs that create things accept \`Idempotency-Key\`; for 24 h the same key and body replay the first answer (\`Idempotency-Replayed: true\`), another body answers 422 \`IDEMPOTENCY_KEY_REUSED\`, and 409 \`IDEMPOTENCY_IN_FLIGHT\` while the first is running. Only successes are stored: a refused request (4xx) or a failure (5xx) frees the key, so the corrected request can use it again.
- **Rate limits** per API key (60 requests/minute by default): \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` (seconds) on every answer; 429 \`RATE_LIMITED\` with \`Retry-After\` beyond it.
- Every answer carries \`x-request-id\` (yours, if you send one). Timestamps are ISO 8601 UTC, durations ISO 8601 (\`PT2H\`), phones E.164.`;

/**
 * One tag per product area, in the order Swagger UI lists them. Only the tags some operation uses
 * reach the document, so areas not built yet do not show as empty sections.
 */
const TAGS: Array<[name: string, description: string]> = [
  ['auth', 'Operator login, token refresh and logout'],
  ['workspaces', 'Workspaces: the tenants every row belongs to'],
  ['api-keys', 'API keys of a workspace: scopes, rate limits, revocation'],
  ['operators', 'People who use the console, with their roles'],
  ['audit', 'Who changed what, and when'],
  ['sources', 'Inbound webhook sources and their verification secrets'],
  ['events', 'The event store: everything that came in, and its processing'],
  ['endpoints', 'Outbound webhook endpoints, signing secrets and mappings'],
  ['deliveries', 'Outbound webhook attempts, retries and the dead-letter queue'],
  ['whatsapp', 'WhatsApp providers, conversations and messages'],
  ['notifications', 'Sending over WhatsApp, SMS and e-mail; templates, contacts and preferences'],
  ['workflows', 'Automations: definitions, executions and schedules'],
  ['crm', 'Bitrix24 Open Channels bridge'],
  ['calendar', 'Google Calendar and appointments'],
  ['accounting', 'Sync with the accounting system'],
  ['analytics', 'KPIs, trends, reports and alerts'],
  ['backups', 'Database backups and restores'],
  ['collections', 'WhatsApp debt collection'],
  ['sandbox', 'Messages recorded by the sandbox providers'],
  ['operations', 'Liveness and readiness for load balancers and orchestrators'],
];

// Read, not imported: importing package.json would make tsc copy it into dist/.
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** `Controller_method` of every handler marked `@Public()`, as Nest names their operations. */
function publicHandlers(app: INestApplication): Set<string> {
  const keys = new Set<string>();
  for (const moduleRef of app.get(ModulesContainer).values()) {
    for (const { metatype } of moduleRef.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const classPublic = Reflect.getMetadata(IS_PUBLIC, metatype) === true;
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = Object.getOwnPropertyDescriptor(prototype, name)?.value;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const methodPublic = Reflect.getMetadata(IS_PUBLIC, handler);
        if (methodPublic === true || (classPublic && methodPublic !== false))
          keys.add(`${metatype.name}_${name}`);
      }
    }
  }
  return keys;
}

/**
 * The guard asks every route for credentials unless it is `@Public()`; the document says the same:
 * a global security requirement, lifted (`security: []`) on public operations.
 */
function markPublicOperations(document: OpenAPIObject, publicKeys: Set<string>): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const id = (operation as { operationId?: unknown } | undefined)?.operationId;
      if (typeof id !== 'string') continue;
      // Nest suffixes the id for versions and @All routes (`Ctrl_method_v2`, `Ctrl_method_get`).
      const key = [...publicKeys].find((k) => id === k || id.startsWith(`${k}_`) || id.startsWith(`${k}[`));
      if (key) (operation as { security?: unknown[] }).security = [];
    }
  }
}

/**
 * The OpenAPI document of the running app. `npm run openapi` writes the same document to
 * `openapi.json` (from an app built in preview mode), so keep it a pure function of the code:
 * no timestamps, no host, no config.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Ponte')
    .setVersion(packageVersion())
    .setDescription(DESCRIPTION)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key or JWT',
        description: 'An API key (`pk_...`) or an operator access token (JWT)',
      },
      'bearer',
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (`pk_...`)' },
      'api-key',
    )
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('api-key')
    .build();
  const modules = [...app.get(ModulesContainer).values()];
  applyKindBodies(
    modules.flatMap((m) => [...m.controllers.values()].map((w) => w.metatype)),
    modules.flatMap((m) => [...m.providers.values()].map((w) => w.metatype)),
  );
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemResponse] });
  markPublicOperations(document, publicHandlers(app));
  markFreeFormObjects(document);
  listProblemCodes(document);

  const used = new Set(
    Object.values(document.paths).flatMap((item) =>
      Object.values(item).flatMap((op) => (op as { tags?: string[] } | undefined)?.tags ?? []),
    ),
  );
  const tags = TAGS.filter(([name]) => used.has(name)).map(([name, description]) => ({ name, description }));
  return { ...document, tags };
}

/** Swagger UI at `/docs`, the document at `/docs/openapi.json`. Call before `app.init()`. */
export function setupOpenApi(app: NestFastifyApplication, document: OpenAPIObject): void {
  const forInitScript = escapeReplacementPatterns(document);
  SwaggerModule.setup(DOCS_PATH, app, document, {
    jsonDocumentUrl: DOCUMENT_PATH,
    raw: ['json'],
    customSiteTitle: 'Ponte API',
    swaggerOptions: { displayRequestDuration: true },
    patchDocumentOnRequest: (req, _res, doc) => (isInitScriptRequest(req) ? forInitScript : doc),
  });
}

function isInitScriptRequest(req: unknown): boolean {
  const url = (req as { url?: unknown }).url;
  return typeof url === 'string' && url.split('?')[0].endsWith('/swagger-ui-init.js');
}

/**
 * @nestjs/swagger 11 inlines the document into `swagger-ui-init.js` with
 * `String.prototype.replace(placeholder, json)`, which reads `$`` `, `$'`, `$&` and `$$` in the
 * JSON as replacement patterns: a description mentioning JSONata's `$` broke the script and left
 * `/docs` blank (nestjs/swagger#4119, unreleased). Doubling every `$` makes the replacement write
 * each one back once; `/docs/openapi.json` keeps the document as it is.
 */
export function escapeReplacementPatterns(document: OpenAPIObject): OpenAPIObject {
  return JSON.parse(JSON.stringify(document).replaceAll('$', () => '$$')) as OpenAPIObject;
}

/** The committed form of the document: 2-space JSON, key order as Nest emits it, final newline. */
export function serializeOpenApiDocument(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
