import { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounting1796302005418 implements MigrationInterface {
  name = 'Accounting1796302005418';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "accounting_connections" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "kind" text NOT NULL, "name" text NOT NULL, "config_sealed" text NOT NULL, "triggers" text array NOT NULL, "enabled" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d6128151881c61985fc57709f01" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_94a36138151215307ca0c945b6" ON "accounting_connections"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "sync_job_items" ("job_id" uuid NOT NULL, "key" text NOT NULL, "hash" text NOT NULL, "target_id" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_87a964e371bc1e2c5a492be0c8e" PRIMARY KEY ("job_id", "key"))`,
    );
    await q.query(
      `CREATE TABLE "sync_jobs" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "name" text NOT NULL, "template" text, "source" jsonb NOT NULL, "target" jsonb NOT NULL, "secrets_sealed" text, "mapping" text NOT NULL, "key_expression" text NOT NULL, "schedule" jsonb, "enabled" boolean NOT NULL, "watermark" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8586b15058c8811de6286052139" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_fb80700b29267a63d34c8ff087" ON "sync_jobs"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "sync_runs" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "job_id" uuid NOT NULL, "status" text NOT NULL, "trigger" text NOT NULL, "cursor" text, "pages" integer NOT NULL, "page_attempts" integer NOT NULL, "read" integer NOT NULL, "created" integer NOT NULL, "updated" integer NOT NULL, "unchanged" integer NOT NULL, "failed" integer NOT NULL, "failures" jsonb NOT NULL, "since" text, "watermark" text, "error" text, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_adf13fff41a683b3b991fb90b11" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_c9193e592a32c9ed9adbf91320" ON "sync_runs"  ("job_id") WHERE status = 'running'`,
    );
    await q.query(`CREATE INDEX "IDX_b1d9a74096b52bfb242272c12b" ON "sync_runs"  ("job_id", "id") `);
    await q.query(
      `CREATE TABLE "accounting_conflicts" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "sync_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "entity_type" text NOT NULL, "local_id" text NOT NULL, "status" text NOT NULL, "base" jsonb, "local" jsonb NOT NULL, "remote" jsonb NOT NULL, "diff" jsonb NOT NULL, "resolution" text, "resolved" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a7d9537b926f278baf46b167f33" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_992c16559003a92c6c0b899fbf" ON "accounting_conflicts"  ("sync_id") WHERE status = 'open'`,
    );
    await q.query(
      `CREATE INDEX "IDX_f9c793d14d449f384ff318e16e" ON "accounting_conflicts"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "accounting_syncs" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "entity_type" text NOT NULL, "local_id" text NOT NULL, "external_id" text, "status" text NOT NULL, "local_version" text, "local_hash" text NOT NULL, "remote_version" text, "remote_hash" text, "pending" jsonb NOT NULL, "synced" jsonb, "attempts" integer NOT NULL, "last_error" text, "next_attempt_at" TIMESTAMP WITH TIME ZONE, "synced_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_0a7c000bbcea98d95712a7b4cd7" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_7c998bcd5a3f025ee09014e1f3" ON "accounting_syncs"  ("status", "next_attempt_at") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_5fead991c4e84956459aba80c6" ON "accounting_syncs"  ("connection_id", "entity_type", "local_id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_8c22a5cc6792d90c2bd4f26116" ON "accounting_syncs"  ("workspace_id", "id") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_8c22a5cc6792d90c2bd4f26116"`);
    await q.query(`DROP INDEX "public"."IDX_5fead991c4e84956459aba80c6"`);
    await q.query(`DROP INDEX "public"."IDX_7c998bcd5a3f025ee09014e1f3"`);
    await q.query(`DROP TABLE "accounting_syncs"`);
    await q.query(`DROP INDEX "public"."IDX_f9c793d14d449f384ff318e16e"`);
    await q.query(`DROP INDEX "public"."IDX_992c16559003a92c6c0b899fbf"`);
    await q.query(`DROP TABLE "accounting_conflicts"`);
    await q.query(`DROP INDEX "public"."IDX_b1d9a74096b52bfb242272c12b"`);
    await q.query(`DROP INDEX "public"."IDX_c9193e592a32c9ed9adbf91320"`);
    await q.query(`DROP TABLE "sync_runs"`);
    await q.query(`DROP INDEX "public"."IDX_fb80700b29267a63d34c8ff087"`);
    await q.query(`DROP TABLE "sync_jobs"`);
    await q.query(`DROP TABLE "sync_job_items"`);
    await q.query(`DROP INDEX "public"."IDX_94a36138151215307ca0c945b6"`);
    await q.query(`DROP TABLE "accounting_connections"`);
  }
}
