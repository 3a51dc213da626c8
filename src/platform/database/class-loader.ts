import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Finds entity and migration classes by file name under the source (ts, in tests) or the build
 * (js) tree, so no hand-kept list can fall out of date.
 */
export function loadClasses(dir: string, suffix: RegExp, recursive: boolean): Function[] {
  const classes: Function[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        if (recursive) walk(path);
      } else if (suffix.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(path) as Record<string, unknown>;
        classes.push(...Object.values(mod).filter((v): v is Function => typeof v === 'function'));
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return classes;
}

/** `src/` or `dist/src/`: the folder above `platform/`. */
const SRC_ROOT = join(__dirname, '..', '..');
/** `migrations/` beside `src/` (repo root in development, `dist/` when built). */
const MIGRATIONS_DIR = join(SRC_ROOT, '..', 'migrations');

export const entityClasses = (): Function[] => loadClasses(SRC_ROOT, /\.entity\.(ts|js)$/, true);
export const migrationClasses = (): Function[] =>
  loadClasses(MIGRATIONS_DIR, /^\d{13}-[\w-]+\.(ts|js)$/, false).sort((a, b) => a.name.localeCompare(b.name));
export const migrationsDir = (): string => MIGRATIONS_DIR;
