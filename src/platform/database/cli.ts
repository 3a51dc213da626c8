import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/config';
import { migrationsDir } from './class-loader';
import { createDataSource } from './data-source';
import { ensureDatabase, runMigrations, schemaDrift } from './migrator';

/**
 * `npm run migration:generate -- <Name>` writes migrations/<timestamp>-<Name>.ts from the difference
 * between the entities and the database; `migration:run` applies pending ones; `migration:revert`
 * undoes the last one. Runs on the build (`dist/`), so the generated file goes to the source tree.
 */
async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const config = loadConfig(process.env);
  await ensureDatabase(config.database.url);
  const dataSource = await createDataSource({ ...config.database, poolSize: 2 }).initialize();
  try {
    if (command === 'run') {
      const ran = await runMigrations(dataSource);
      console.log(ran.length ? `Ran ${ran.join(', ')}` : 'No pending migrations');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration');
    } else if (command === 'generate') {
      if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name))
        throw new Error('Usage: migration:generate -- <PascalCaseName>');
      await runMigrations(dataSource);
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (sql.upQueries.length === 0) {
        console.log('Entities and migrations agree: nothing to generate');
        return;
      }
      const ts = Date.now();
      const esc = (q: string) => q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
      const body = (qs: { query: string }[]) =>
        qs.map((q) => `    await q.query(\`${esc(q.query)}\`);`).join('\n');
      const file = join(
        migrationsDir().replace(/[/\\]dist[/\\]migrations$/, '/migrations'),
        `${ts}-${name}.ts`,
      );
      writeFileSync(
        file,
        `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${ts} implements MigrationInterface {\n` +
          `  name = '${name}${ts}';\n\n  public async up(q: QueryRunner): Promise<void> {\n${body(sql.upQueries)}\n  }\n\n` +
          `  public async down(q: QueryRunner): Promise<void> {\n${body([...sql.downQueries].reverse())}\n  }\n}\n`,
      );
      console.log(`Wrote ${file}`);
    } else if (command === 'drift') {
      const drift = await schemaDrift(dataSource);
      console.log(drift.length ? drift.join(';\n') : 'No drift');
      process.exitCode = drift.length ? 1 : 0;
    } else {
      throw new Error('Usage: cli.js run | revert | generate <Name> | drift');
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
