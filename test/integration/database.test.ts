import { Column, Entity, PrimaryColumn } from 'typeorm';
import { createDataSource } from '../../src/platform/database/data-source';
import { entityClasses } from '../../src/platform/database/class-loader';
import { ensureDatabase, runMigrations, schemaDrift } from '../../src/platform/database/migrator';
import { admin, cloneTemplate, runId, TEST_DB_PREFIX, urlFor } from '../support/databases';

@Entity('drift_probe')
class DriftProbe {
  @PrimaryColumn('uuid') id: string;
  @Column('text') label: string;
}

describe('database: migrations, drift and creation', () => {
  it('entities and migrations agree (run `npm run migration:generate -- <Name>` when this fails)', async () => {
    const db = await cloneTemplate();
    const ds = await createDataSource({ url: db.url, poolSize: 2 }).initialize();
    try {
      expect(await schemaDrift(ds)).toEqual([]);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });

  it('reports drift when an entity changes without a migration', async () => {
    const db = await cloneTemplate();
    const ds = await createDataSource(
      { url: db.url, poolSize: 2 },
      { entities: [...entityClasses(), DriftProbe] },
    ).initialize();
    try {
      const drift = await schemaDrift(ds);
      expect(drift.join('\n')).toMatch(/CREATE TABLE "drift_probe"/);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });

  it('creates a missing database, and several instances migrating at once migrate once', async () => {
    const name = `${TEST_DB_PREFIX}${runId()}_fresh_${process.pid}`;
    const url = urlFor(name);
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    try {
      const created = await Promise.all([ensureDatabase(url), ensureDatabase(url), ensureDatabase(url)]);
      expect(created.filter(Boolean)).toHaveLength(1);
      const sources = await Promise.all(
        [1, 2, 3].map(() => createDataSource({ url, poolSize: 2 }).initialize()),
      );
      try {
        const ran = await Promise.all(sources.map((ds) => runMigrations(ds)));
        const total = ran.flat();
        expect(new Set(total).size).toBe(total.length); // nothing ran twice
        const applied = await sources[0].query('SELECT name FROM migrations');
        expect(applied).toHaveLength(sources[0].migrations.length);
        expect(await schemaDrift(sources[0])).toEqual([]);
      } finally {
        await Promise.all(sources.map((ds) => ds.destroy()));
      }
    } finally {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  });
});
