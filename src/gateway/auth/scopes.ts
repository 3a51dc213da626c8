import type { Role } from '../operators/user.entity';

/** The areas routes ask scopes of (`@RequireScope` of `<area>:read`...); a new module adds its own. */
export const SCOPE_AREAS = [
  'accounting',
  'alerts',
  'analytics',
  'appointments',
  'calendar',
  'collections',
  'contacts',
  'crm',
  'deliveries',
  'dlq',
  'events',
  'notifications',
  'providers',
  'sources',
  'sync',
  'templates',
  'whatsapp',
  'workflows',
] as const;

/**
 * Scopes are `<area>:<read|write>` (`:*` for both), with `*` for any area, `admin` for everything
 * inside the key's workspace (keys, users, audit) and `platform:admin` for managing workspaces.
 * Nothing else: `platform:*`, `admin:*` or an unknown area would match no route today and who
 * knows what tomorrow.
 */
export const SCOPE_PATTERN = new RegExp(
  `^(platform:admin|admin|(\\*|${SCOPE_AREAS.join('|')}):(read|write|\\*))$`,
);

export const ROLE_SCOPES: Record<Role, string[]> = {
  admin: ['admin'],
  operator: ['*:read', '*:write'],
  viewer: ['*:read'],
};

export function hasScope(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  if (required === 'platform:admin') return false;
  if (granted.includes('admin')) return true;
  if (required === 'admin') return false;
  const [area, action] = required.split(':');
  return (
    granted.includes(`${area}:*`) ||
    granted.includes(`*:${action}`) ||
    granted.includes('*:*') ||
    // write implies read
    (action === 'read' && (granted.includes(`${area}:write`) || granted.includes('*:write')))
  );
}
