import { analytics } from './analytics';
import { backup } from './backup';
import { collectionsImport } from './collections-import';
import { e2e } from './e2e';
import { ingest } from './ingest';
import { memory } from './memory';
import { notifyApi } from './notify-api';
import { rateLimit } from './rate-limit';

/** `npm run bench` runs every benchmark; `npm run bench -- ingest` one of them. */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  ingest,
  e2e,
  'notify-api': notifyApi,
  'rate-limit': rateLimit,
  memory,
  backup,
  'collections-import': collectionsImport,
  analytics,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const selected = names.length ? names : Object.keys(BENCHMARKS);
  for (const name of selected) {
    const run = BENCHMARKS[name];
    if (!run) throw new Error(`Unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
