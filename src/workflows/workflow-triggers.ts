import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CacheInvalidation } from '../platform/cache/cache-invalidation';
import { SharedCache } from '../platform/cache/shared-cache';
import { Clock } from '../platform/clock';
import { BatchLoader } from '../platform/database/batched';
import { eventsOf, patternsFor } from './workflow-definition';
import { Workflow } from './workflow.entity';

/** What a workspace's events may start or cancel. */
interface WorkspaceTriggers {
  /** Its active workflows with an event trigger. */
  workflows: Workflow[];
  /** The patterns of every cancelOn any version of its workflows has (so of any open execution). */
  cancelPatterns: Set<string>;
}

/** Invalidation topic of the triggers cache (payload: the workspace id). */
const WORKFLOWS_CHANGED = 'workflows';
/** An upper bound, should an invalidation be lost (a change made while Redis was down). */
const CACHE_TTL_MS = 30_000;

/**
 * The workflows an event starts and whether it may cancel any, per workspace: kept on each
 * instance until a workflow of the workspace is saved or deleted anywhere (`changed`, announced
 * to every instance at once), so routing an event costs no statement; a miss is read with one
 * statement for all the events a worker handles meanwhile.
 */
@Injectable()
export class WorkflowTriggers {
  private readonly loader = new BatchLoader<string, WorkspaceTriggers>((ids) => this.load(ids));
  private readonly cache: SharedCache<WorkspaceTriggers>;

  constructor(
    @InjectRepository(Workflow) private readonly workflows: Repository<Workflow>,
    invalidation: CacheInvalidation,
    clock: Clock,
  ) {
    this.cache = new SharedCache(invalidation, WORKFLOWS_CHANGED, clock, {
      ttlMs: CACHE_TTL_MS,
      max: 10_000,
    });
  }

  /** The active workflows `type` triggers in the workspace, and whether it can cancel an open execution there. */
  async of(workspaceId: string, type: string): Promise<{ workflows: Workflow[]; mayCancel: boolean }> {
    const found = await this.cache.get(workspaceId, () => this.loader.load(workspaceId));
    const patterns = patternsFor(type);
    return {
      workflows: (found?.workflows ?? []).filter((w) => w.triggerEvents.some((p) => patterns.includes(p))),
      mayCancel: patterns.some((p) => found?.cancelPatterns.has(p)),
    };
  }

  /** A workflow of the workspace was created, changed or deleted: every instance reads its triggers again. */
  changed(workspaceId: string): Promise<void> {
    return this.cache.forget(workspaceId);
  }

  private async load(workspaceIds: string[]): Promise<Map<string, WorkspaceTriggers>> {
    const rows: Array<{ workspace_id: string; workflows: Record<string, unknown>[]; cancel_on: unknown[] }> =
      await this.workflows.query(
        `SELECT ws.id AS workspace_id,
           COALESCE((SELECT jsonb_agg(to_jsonb(w) ORDER BY w.id) FROM workflows w
                     WHERE w.workspace_id = ws.id AND w.active AND w.deleted_at IS NULL AND w.trigger_events <> '{}'), '[]'::jsonb) AS workflows,
           ARRAY(SELECT DISTINCT v.cancel_on FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id
                 WHERE w.workspace_id = ws.id AND v.cancel_on IS NOT NULL) AS cancel_on
         FROM unnest($1::uuid[]) AS ws(id)`,
        [workspaceIds],
      );
    const columns = this.workflows.metadata.columns;
    return new Map(
      rows.map((row) => [
        row.workspace_id,
        {
          workflows: row.workflows.map((json) => {
            const w: Record<string, unknown> = {};
            for (const column of columns) w[column.propertyName] = json[column.databaseName];
            return w as unknown as Workflow;
          }),
          cancelPatterns: new Set(
            row.cancel_on.flatMap((c) => eventsOf((c as { event: string | string[] }).event)),
          ),
        },
      ]),
    );
  }
}
