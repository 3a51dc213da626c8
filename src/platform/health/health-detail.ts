import { declare, definePluginPoint } from '../plugins/plugin-point';

/** One section of /health/detailed: circuit breakers, stuck work, paused workers... */
export type HealthContributor = () => unknown;

/**
 * Sections of /health/detailed that modules contribute: `@HealthDetail('providerCircuits')` on a
 * method answering the section's JSON (sync or a promise). Names are unique and may not take the
 * ones the report answers itself.
 */
export const HEALTH_DETAIL = definePluginPoint<HealthContributor>({
  title: 'health detail',
  reserved: ['status', 'role', 'draining', 'uptimeSeconds', 'memory', 'dependencies', 'queues'],
  namePattern: { pattern: /^[a-z][A-Za-z0-9]*$/, rule: 'use a camelCase name' },
});

/** `@HealthDetail('workers')`: the method's answer appears under that name in /health/detailed. */
export const HealthDetail = (name: string) => declare(HEALTH_DETAIL, name);
