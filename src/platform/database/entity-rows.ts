import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * Reads entities with one plain parameterised statement (a prepared statement, see
 * prepared-statements.ts) instead of TypeORM's query builder, whose per-call cost showed in the
 * send path's profile. Columns map by the entity's metadata, so the rows are the entities `find`
 * would give (no relations, no transformers: for flat entities on hot paths).
 */
export async function selectEntities<E extends ObjectLiteral>(
  repo: Repository<E>,
  sql: string,
  params: unknown[],
): Promise<E[]> {
  const rows: Record<string, unknown>[] = await repo.query(sql, params);
  const columns = repo.metadata.columns;
  return rows.map((row) => {
    const entity: Record<string, unknown> = {};
    for (const column of columns) entity[column.propertyName] = row[column.databaseName];
    return entity as E;
  });
}

/** The column an entity property is stored in. */
export function columnOf<E extends ObjectLiteral>(repo: Repository<E>, property: keyof E & string): string {
  const column = repo.metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`${repo.metadata.name} has no property "${property}"`);
  return column.databaseName;
}
