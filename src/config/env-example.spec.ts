import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { configAreas } from './area-config';
import { EnvironmentVariables } from './env';

const settingsOf = (schema: new () => object): string[] =>
  getMetadataStorage()
    .getTargetValidationMetadatas(schema, '', true, false)
    .map((m) => m.propertyName);

describe('.env.example', () => {
  it('documents every setting Ponte reads (platform and every area), and nothing else', async () => {
    // Every area declares its settings in src/<area>/**/*.config.ts (defineConfig).
    const src = join(__dirname, '..');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.config.ts'),
    );
    await Promise.all(files.map((f) => import(join(src, f))));
    const documented = readFileSync(join(__dirname, '../../.env.example'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => l.split('=')[0]);
    const read = new Set([
      ...settingsOf(EnvironmentVariables),
      ...configAreas().flatMap((area) => settingsOf(area.schema)),
    ]);
    expect(configAreas().map((a) => a.area)).toContain('notifications');
    expect([...new Set(documented)].sort()).toEqual([...read].sort());
  });
});
