import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { toInt } from '../config/env';

class NotificationsEnv {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) PROVIDER_BREAKER_VOLUME?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) PROVIDER_BREAKER_ERROR_PERCENT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) PROVIDER_BREAKER_RESET_MS?: number;
}

/** Circuit breaker per provider: opens at `errorPercent` failures over at least `volume` calls. */
export const notificationsConfig = defineConfig('notifications', NotificationsEnv, (v) => ({
  breaker: {
    volume: v.PROVIDER_BREAKER_VOLUME ?? 5,
    errorPercent: v.PROVIDER_BREAKER_ERROR_PERCENT ?? 50,
    resetMs: v.PROVIDER_BREAKER_RESET_MS ?? 30_000,
  },
}));
