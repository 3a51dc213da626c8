import { WorkspacesService } from '../../src/gateway/workspaces/workspaces.service';
import type { Principal } from '../../src/platform/http/principal';
import type { TestApp } from './test-app';

/** A new workspace and an admin caller of it, for tests that call the services directly. */
export async function newWorkspaceCaller(t: TestApp, prefix: string) {
  const ws = await t.app.get(WorkspacesService).create({ name: `${prefix}-${Math.random()}` });
  const caller: Principal = { workspaceId: ws.id, actorType: 'api_key', actorId: 'test', scopes: ['admin'] };
  return { ws, caller };
}
