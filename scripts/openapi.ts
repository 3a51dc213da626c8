import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/config';
import { createFastifyAdapter } from '../src/platform/http/fastify-adapter';
import {
  buildOpenApiDocument,
  PROJECT_ROOT,
  serializeOpenApiDocument,
} from '../src/platform/openapi/openapi';

/**
 * `npm run openapi`: a script outside src/ (it imports AppModule, which nothing under src/platform
 * may), writes `openapi.json` and the TypeScript client's types from the code alone,
 * with no PostgreSQL or Redis. The e2e test `test/e2e/openapi.test.ts` fails when either is stale.
 */
export const OPENAPI_FILE = join(PROJECT_ROOT, 'openapi.json');
export const CLIENT_SCHEMA_FILE = join(PROJECT_ROOT, 'clients/typescript/src/schema.d.ts');

/** openapi-typescript's own CLI, so the types are exactly those a developer gets by hand. */
export async function generateClientTypes(input: string, output: string, timeoutMs = 60_000): Promise<void> {
  const cli = join(PROJECT_ROOT, 'node_modules/.bin/openapi-typescript');
  // Fields with a default are optional to send: openapi-typescript would otherwise require them.
  const args = [cli, input, '--output', output, '--default-non-nullable', 'false'];
  await promisify(execFile)(process.execPath, args, {
    cwd: PROJECT_ROOT,
    timeout: timeoutMs,
  });
}

/**
 * The app as `createApp` builds it, in preview mode: modules and controllers are scanned but no
 * provider is instantiated, so nothing connects anywhere. A fixed environment keeps the document
 * independent of the shell that runs this.
 */
async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'development', APP_ROLE: 'all', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createFastifyAdapter(config),
    { preview: true, logger: false, bodyParser: false, abortOnError: false },
  );
  const document = buildOpenApiDocument(app);
  await writeFile(OPENAPI_FILE, serializeOpenApiDocument(document));
  await generateClientTypes(OPENAPI_FILE, CLIENT_SCHEMA_FILE);
  console.log(
    `Wrote openapi.json (${Object.keys(document.paths).length} paths) and clients/typescript/src/schema.d.ts`,
  );
}

if (require.main === module) {
  main()
    // Preview mode never initialised the providers, so there is nothing to close; exit explicitly.
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error('openapi generation failed:', err);
      process.exit(1);
    });
}
