import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { defineConfig } from '../../config/area-config';
import { toInt } from '../../config/env';

class OutboxEnv {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) OUTBOX_RELAY_INTERVAL_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) STUCK_WORK_AFTER_SECONDS?: number;
}

/**
 * The outbox relay: how often stored, unfinished work is offered again, and after how long such
 * work counts as stuck (metric, /health/detailed, and the retry of a stuck event).
 */
export const outboxConfig = defineConfig('outbox', OutboxEnv, (v) => ({
  relayIntervalMs: v.OUTBOX_RELAY_INTERVAL_MS ?? 5000,
  stuckAfterSeconds: v.STUCK_WORK_AFTER_SECONDS ?? 300,
}));
