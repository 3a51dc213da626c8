import type { Role } from '../operators/user.entity';

/**
 * Scopes are `<area>:<read|write>`, with `*` for any area, `admin` for everything inside the
 * key's workspace (keys, users, audit) and `platform:admin` for managing workspaces.
 */
export const SCOPE_PATTERN = /^(platform:admin|admin|(\*|[a-z][a-z-]*):(read|write|\*))$/;

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
