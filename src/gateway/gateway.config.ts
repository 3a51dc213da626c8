import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { toInt } from '../config/env';

class GatewayEnv {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) AUDIT_RETENTION_DAYS?: number;
}

/** The audit log: days its rows are kept (the daily `audit.purge` drops older ones). */
export const gatewayConfig = defineConfig('gateway', GatewayEnv, (v) => ({
  auditRetentionDays: v.AUDIT_RETENTION_DAYS ?? 90,
}));
