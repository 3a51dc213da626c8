import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/**
 * Builds dist/ from the current source once per `npm test` run, however many test files ask at
 * the same time (one builds, the others wait): the processes they spawn run the build.
 */
export async function ensureBuilt(): Promise<void> {
  const run = process.env.PONTE_TEST_RUN ?? 'adhoc';
  const dist = join(ROOT, 'dist');
  mkdirSync(dist, { recursive: true });
  const done = join(dist, `.built-${run}`);
  const lock = join(dist, `.building-${run}`);
  for (;;) {
    if (existsSync(done)) return;
    try {
      mkdirSync(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'tsconfig.build.json')],
        {
          stdio: 'ignore',
          timeout: 180_000,
        },
      );
      writeFileSync(done, '');
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** A worker as production runs it: the built app in its own process, killable with SIGKILL. */
export function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    env: { ...process.env, ...env, APP_ROLE: 'worker', PORT: '0', HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
}
