import type { Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventProcessor } from '../../src/events/processing/event-processor';
import { startTestApp, TestApp } from './test-app';

export interface ProcessorApp {
  t: TestApp;
  processor: EventProcessor;
  db: DataSource;
  /** The default workspace's id. */
  workspaceId: string;
}

/**
 * EventProcessor as a service, on the real PostgreSQL and Redis, with the given subscriber modules:
 * an API-only app (no worker takes the jobs), so a test runs each attempt itself.
 */
export async function startProcessorApp(imports: Type[]): Promise<ProcessorApp> {
  const t = await startTestApp({ imports, env: { APP_ROLE: 'api', EVENT_RETRY_SCHEDULE: '0,1h,1h,1h' } });
  const db = t.app.get(DataSource);
  const [{ id: workspaceId }] = await db.query<Array<{ id: string }>>(
    `SELECT id FROM workspaces ORDER BY created_at LIMIT 1`,
  );
  return { t, processor: t.app.get(EventProcessor), db, workspaceId };
}
