import { MigrationInterface, QueryRunner } from 'typeorm';

export class Workflows1795389502103 implements MigrationInterface {
  name = 'Workflows1795389502103';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "workflow_executions" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "workflow_id" uuid NOT NULL, "version" integer NOT NULL, "trigger_key" text NOT NULL, "trigger_event_id" uuid, "scheduled_at" TIMESTAMP WITH TIME ZONE, "contact_id" uuid, "depth" integer NOT NULL DEFAULT '0', "cancel_on_events" text array NOT NULL DEFAULT '{}', "status" text NOT NULL, "seq" integer NOT NULL DEFAULT '0', "lease_until" TIMESTAMP WITH TIME ZONE, "wake_at" TIMESTAMP WITH TIME ZONE, "error" text, "failed_step" text, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9d49b5c86c267d902145ed42c9d" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "idx_workflow_executions_open" ON "workflow_executions"  ("workspace_id") WHERE status IN ('running', 'waiting')`,
    );
    await q.query(
      `CREATE INDEX "IDX_17f64ea913d6d2f266da88b200" ON "workflow_executions"  ("trigger_event_id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_622a7a855c640d5528a7585141" ON "workflow_executions"  ("workflow_id", "id") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_b47572e4ee751b4c8b2191ced0" ON "workflow_executions"  ("workflow_id", "trigger_key") `,
    );
    await q.query(
      `CREATE TABLE "workflow_step_runs" ("id" uuid NOT NULL, "execution_id" uuid NOT NULL, "step_id" text NOT NULL, "type" text NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "output" jsonb, "error" text, CONSTRAINT "PK_6f0af0283f7143e7f1ebe3f5137" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_eb0e6952e342a5770e45308146" ON "workflow_step_runs"  ("execution_id", "step_id") `,
    );
    await q.query(
      `CREATE TABLE "workflow_versions" ("id" uuid NOT NULL, "workflow_id" uuid NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "trigger" jsonb NOT NULL, "steps" jsonb NOT NULL, "cancel_on" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a84eb8dc6065f33ce4b1447955f" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_f9a22b7289b7461ead8b15c270" ON "workflow_versions"  ("workflow_id", "version") `,
    );
    await q.query(
      `CREATE TABLE "workflows" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "key" text NOT NULL, "name" text NOT NULL, "version" integer NOT NULL, "trigger" jsonb NOT NULL, "steps" jsonb NOT NULL, "cancel_on" jsonb, "trigger_events" text array NOT NULL DEFAULT '{}', "active" boolean NOT NULL, "template" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5b5757cc1cd86268019fef52e0c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_4e2696fd6527ab10d9a1cd9a9a" ON "workflows"  ("workspace_id", "id") `);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_c032e0735f26c0ee0b39138c23" ON "workflows"  ("workspace_id", "key") WHERE deleted_at IS NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_c032e0735f26c0ee0b39138c23"`);
    await q.query(`DROP INDEX "public"."IDX_4e2696fd6527ab10d9a1cd9a9a"`);
    await q.query(`DROP TABLE "workflows"`);
    await q.query(`DROP INDEX "public"."IDX_f9a22b7289b7461ead8b15c270"`);
    await q.query(`DROP TABLE "workflow_versions"`);
    await q.query(`DROP INDEX "public"."IDX_eb0e6952e342a5770e45308146"`);
    await q.query(`DROP TABLE "workflow_step_runs"`);
    await q.query(`DROP INDEX "public"."IDX_b47572e4ee751b4c8b2191ced0"`);
    await q.query(`DROP INDEX "public"."IDX_622a7a855c640d5528a7585141"`);
    await q.query(`DROP INDEX "public"."IDX_17f64ea913d6d2f266da88b200"`);
    await q.query(`DROP INDEX "public"."idx_workflow_executions_open"`);
    await q.query(`DROP TABLE "workflow_executions"`);
  }
}
