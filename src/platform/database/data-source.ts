import { DataSource, DataSourceOptions } from 'typeorm';
import { entityClasses, migrationClasses } from './class-loader';
import { SnakeNamingStrategy } from './naming.strategy';

/** The one place that says how Ponte talks to PostgreSQL: the app, the CLI and the tests use it. */
export function dataSourceOptions(
  database: { url: string; poolSize: number },
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
    connectTimeoutMS: 5000,
    applicationName: 'ponte',
    synchronize: false,
    logging: ['error'],
  };
}

export function createDataSource(
  database: { url: string; poolSize: number },
  classes: { entities?: Function[]; migrations?: Function[] } = {},
): DataSource {
  return new DataSource(dataSourceOptions(database, classes));
}
