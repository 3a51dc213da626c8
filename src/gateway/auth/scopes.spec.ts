import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { hasScope, SCOPE_PATTERN } from './scopes';

describe('hasScope', () => {
  it.each([
    [['events:write'], 'events:write', true],
    [['events:write'], 'events:read', true],
    [['events:read'], 'events:write', false],
    [['*:read'], 'notifications:read', true],
    [['*:read'], 'notifications:write', false],
    [['events:*'], 'events:write', true],
    [['admin'], 'workflows:write', true],
    [['admin'], 'platform:admin', false],
    [['*:write'], 'admin', false],
    [['platform:admin'], 'platform:admin', true],
    [['platform:admin'], 'events:read', false],
  ])('%j grants %s: %s', (granted, required, expected) => {
    expect(hasScope(granted, required)).toBe(expected);
  });

  it('knows every area a route asks for', () => {
    const routes = execSync(`grep -rhoE "RequireScope\\('[^']+'\\)" ${join(__dirname, '../..')}`, {
      encoding: 'utf8',
    });
    for (const scope of routes.match(/'[^']+'/g) ?? [])
      expect(SCOPE_PATTERN.test(scope.slice(1, -1))).toBe(true);
  });

  it('validates scope names', () => {
    for (const ok of ['events:write', '*:read', 'admin', 'platform:admin', 'events:*'])
      expect(SCOPE_PATTERN.test(ok)).toBe(true);
    for (const bad of [
      'events',
      'Events:write',
      'events:delete',
      'root',
      '',
      'platform:*',
      'platform:write',
      'platform:read',
      'admin:*',
      'admin:read',
      'billing:read',
      ' events:read',
    ])
      expect(SCOPE_PATTERN.test(bad)).toBe(false);
  });
});
