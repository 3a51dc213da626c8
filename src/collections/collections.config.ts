import { Transform } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { toInt } from '../config/env';

class CollectionsEnv {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) COLLECTIONS_IMPORT_MAX_BYTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000) COLLECTIONS_IMPORT_MAX_ROWS?: number;
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === undefined || value === '' ? undefined : Number(value),
  )
  @IsNumber()
  @Min(0)
  @Max(1)
  COLLECTIONS_MIN_CONFIDENCE?: number;
  @IsOptional()
  @IsString()
  @Matches(/^(\d{4}-\d{2}-\d{2})(,\d{4}-\d{2}-\d{2})*$/, { message: 'dates YYYY-MM-DD separated by commas' })
  COLLECTIONS_EXTRA_HOLIDAYS?: string;
  @IsOptional() @IsString() COLLECTIONS_PIX_KEY?: string;
  @IsOptional() @IsString() COLLECTIONS_PIX_MERCHANT_NAME?: string;
  @IsOptional() @IsString() COLLECTIONS_PIX_MERCHANT_CITY?: string;
}

/** Imports, campaign pacing, the assistant's confidence floor, holidays and the default Pix receiver. */
export const collectionsConfig = defineConfig('collections', CollectionsEnv, (v) => ({
  import: {
    maxBytes: v.COLLECTIONS_IMPORT_MAX_BYTES ?? 64 * 1024 * 1024,
    maxRows: v.COLLECTIONS_IMPORT_MAX_ROWS ?? 100_000,
  },
  minConfidence: v.COLLECTIONS_MIN_CONFIDENCE ?? 0.55,
  extraHolidays: new Set(v.COLLECTIONS_EXTRA_HOLIDAYS ? v.COLLECTIONS_EXTRA_HOLIDAYS.split(',') : []),
  pix: v.COLLECTIONS_PIX_KEY
    ? {
        key: v.COLLECTIONS_PIX_KEY,
        merchantName: v.COLLECTIONS_PIX_MERCHANT_NAME ?? 'Ponte',
        merchantCity: v.COLLECTIONS_PIX_MERCHANT_CITY ?? 'Sao Paulo',
      }
    : null,
}));
