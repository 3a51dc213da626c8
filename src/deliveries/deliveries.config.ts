import { IsOptional, Matches } from 'class-validator';
import { defineConfig } from '../config/area-config';
import { SCHEDULE_PATTERN } from '../config/env';

class DeliveriesEnv {
  @IsOptional() @Matches(SCHEDULE_PATTERN) DELIVERY_RETRY_SCHEDULE?: string;
}

/** Outbound webhooks: the delay before each attempt (±20 % jitter), then `dead` and the DLQ. */
export const deliveriesConfig = defineConfig('deliveries', DeliveriesEnv, (v) => ({
  retrySchedule: v.DELIVERY_RETRY_SCHEDULE ?? '0,5s,5m,30m,2h,5h,10h,10h',
}));
