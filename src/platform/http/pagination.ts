import { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ProblemException } from './problem';

/** `?limit=&cursor=` on every list. Ids are UUIDv7, so ordering by id is ordering by creation (see PageOrder). */
export class PageQuery {
  @ApiPropertyOptional({ description: 'Page size', minimum: 1, maximum: 200, default: 50, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s `nextCursor`' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** The OpenAPI shape of a page of `item`: `export class KeyPage extends PageOf(KeyView) {}`. */
export function PageOf<T>(item: Class<T>): Class<Page<T>> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ description: 'Items, newest first', type: [item] })
    data: T[];

    @ApiProperty({
      description: 'Cursor of the next page; null on the last',
      nullable: true,
      type: String,
      example: null,
    })
    nextCursor: string | null;
  }
  return PageOfItems;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(id: string, at?: Date): string {
  return Buffer.from(at ? `${at.toISOString()}|${id}` : id, 'utf8').toString('base64url');
}

/** The id (and time, for lists ordered by creation) a cursor holds; refuses any other string. */
export function decodeCursor(cursor: string, withTime = false): { id: string; at?: Date } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [at, id] = withTime ? text.split('|') : [undefined, text];
  const time = at === undefined ? undefined : new Date(at);
  if (!id || !UUID.test(id) || (withTime && !(time && Number.isFinite(time.getTime())))) {
    throw new ProblemException('VALIDATION_FAILED', 'Invalid cursor', {
      errors: [{ field: 'cursor', message: 'cursor is not one this API returned' }],
    });
  }
  return { id, at: time };
}

export interface PageOrder {
  /**
   * `createdAt` for tables whose ids are not all UUIDv7 (notifications and deliveries a workflow
   * derives from a name, for exactly-once): keyset on (created_at, id), the column written from a
   * JavaScript Date so that a millisecond cursor is exact. Needs an index ending (created_at, id).
   */
  by: 'id' | 'createdAt';
}

/** Newest first, keyset pagination on `<alias>.id` (or `<alias>.createdAt, <alias>.id`). */
export async function paginate<E extends ObjectLiteral & { id: string; createdAt?: Date }, T = E>(
  qb: SelectQueryBuilder<E>,
  query: PageQuery,
  map: (row: E) => T = (row) => row as unknown as T,
  order: PageOrder = { by: 'id' },
): Promise<Page<T>> {
  const limit = query.limit ?? 50;
  const alias = qb.alias;
  const byTime = order.by === 'createdAt';
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, byTime);
    if (cursor.at)
      qb.andWhere(`(${alias}.createdAt, ${alias}.id) < (:at, :cursor)`, { at: cursor.at, cursor: cursor.id });
    else qb.andWhere(`${alias}.id < :cursor`, { cursor: cursor.id });
  }
  if (byTime) qb.orderBy(`${alias}.createdAt`, 'DESC').addOrderBy(`${alias}.id`, 'DESC');
  else qb.orderBy(`${alias}.id`, 'DESC');
  const rows = await qb.take(limit + 1).getMany();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(map),
    nextCursor: rows.length > limit ? encodeCursor(last.id, byTime ? last.createdAt : undefined) : null,
  };
}
