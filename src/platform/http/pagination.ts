import { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ProblemException } from './problem';

/** `?limit=&cursor=` on every list. Ids are UUIDv7, so ordering by id is ordering by creation. */
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

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) {
    throw new ProblemException('VALIDATION_FAILED', 'Invalid cursor', {
      errors: [{ field: 'cursor', message: 'cursor is not one this API returned' }],
    });
  }
  return id;
}

/** Newest first, keyset pagination on `<alias>.id`. */
export async function paginate<E extends ObjectLiteral & { id: string }, T = E>(
  qb: SelectQueryBuilder<E>,
  query: PageQuery,
  map: (row: E) => T = (row) => row as unknown as T,
): Promise<Page<T>> {
  const limit = query.limit ?? 50;
  const alias = qb.alias;
  if (query.cursor) qb.andWhere(`${alias}.id < :cursor`, { cursor: decodeCursor(query.cursor) });
  const rows = await qb
    .orderBy(`${alias}.id`, 'DESC')
    .take(limit + 1)
    .getMany();
  const page = rows.slice(0, limit);
  return {
    data: page.map(map),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
  };
}
