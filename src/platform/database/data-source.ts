import { DataSource, DataSourceOptions } from 'typeorm';
import { entityClasses, migrationClasses } from './class-loader';
import { preparingDriver } from './prepared-statements';
import { SnakeNamingStrategy } from './naming.strategy';

/** How long a statement waits for a connection (to open one, or for one of the pool's to be free). */
export const CONNECT_TIMEOUT_MS = 5000;

/** The one place that says how Ponte talks to PostgreSQL: the app, the CLI and the tests use it. */
export function dataSourceOptions(
  database: { url: string; poolSize: number; prepare?: boolean },
  classes: { entities?: Function[]; migrations?: Function[] } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: database.url,
    entities: classes.entities ?? entityClasses(),
    migrations: classes.migrations ?? migrationClasses(),
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    poolSize: database.poolSize,
    ...(database.prepare ? { driver: preparingDriver() } : {}),
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    applicationName: 'ponte',
    synchronize: false,
    // TypeORM would print failed SQL with its parameters (phones, e-mails) straight to the console,
    // past the masking logger; errors reach our logs through the exception filter instead.
    logging: false,
  };
}

export function createDataSource(
  database: { url: string; poolSize: number; prepare?: boolean },
  classes: { entities?: Function[]; migrations?: Function[] } = {},
): DataSource {
  return new DataSource(dataSourceOptions(database, classes));
}
