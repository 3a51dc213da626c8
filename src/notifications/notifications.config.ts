import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { SCHEDULE_PATTERN, toInt } from '../config/env';

class NotificationsEnv {
  @IsOptional() @Matches(SCHEDULE_PATTERN) NOTIFICATION_RETRY_SCHEDULE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) PROVIDER_BREAKER_VOLUME?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100) PROVIDER_BREAKER_ERROR_PERCENT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) PROVIDER_BREAKER_RESET_MS?: number;
}

/**
 * `retrySchedule`: transient failures retry the same provider after these delays. `breaker`: the
 * circuit of a provider opens at `errorPercent` failures over at least `volume` calls.
 */
export const notificationsConfig = defineConfig('notifications', NotificationsEnv, (v) => ({
  retrySchedule: v.NOTIFICATION_RETRY_SCHEDULE ?? '10s,1m,5m,30m,2h',
  breaker: {
    volume: v.PROVIDER_BREAKER_VOLUME ?? 5,
    errorPercent: v.PROVIDER_BREAKER_ERROR_PERCENT ?? 50,
    resetMs: v.PROVIDER_BREAKER_RESET_MS ?? 30_000,
  },
}));
