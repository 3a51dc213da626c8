import { MigrationInterface, QueryRunner } from 'typeorm';

export class Events1795379425985 implements MigrationInterface {
  name = 'Events1795379425985';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "dlq_entries" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "kind" text NOT NULL, "ref_id" uuid NOT NULL, "endpoint_id" uuid, "summary" text NOT NULL, "error" text NOT NULL, "attempts" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "archived_at" TIMESTAMP WITH TIME ZONE, "retried_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_76c7241a7ba5f56faed598f6034" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_559939fd53b0239a68ed66687f" ON "dlq_entries"  ("kind", "ref_id") `);
    await q.query(`CREATE INDEX "IDX_4cc2d802225818a97d64dc8c01" ON "dlq_entries"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "source_rejections" ("id" uuid NOT NULL, "source_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "reason" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_c33f53ce433a5138435aa83f0bf" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_c37c5a0bb4b330ffcfe51ac150" ON "source_rejections"  ("source_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "sources" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "name" text NOT NULL, "slug" text NOT NULL, "kind" text NOT NULL, "config_sealed" text NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_9a5cea873a16f3b91692a889d17" UNIQUE ("slug"), CONSTRAINT "PK_85523beafe5a2a6b90b02096443" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_5108503b19c349eba4b8859642" ON "sources"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "events" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "source_id" uuid, "type" text NOT NULL, "dedupe_key" text, "status" text NOT NULL, "queue" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "data" jsonb NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "retry_round_start" integer NOT NULL DEFAULT '0', "attempt_log" jsonb NOT NULL DEFAULT '[]', "last_error" text, "processed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "idx_events_pending" ON "events"  ("id") WHERE status IN ('received', 'processing', 'failed')`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_586659681ff1ff2a139b9b1691" ON "events"  ("source_id", "dedupe_key") WHERE dedupe_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "IDX_bd311b52d0e76444fb64ed3e42" ON "events"  ("workspace_id", "id") `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_bd311b52d0e76444fb64ed3e42"`);
    await q.query(`DROP INDEX "public"."IDX_586659681ff1ff2a139b9b1691"`);
    await q.query(`DROP INDEX "public"."idx_events_pending"`);
    await q.query(`DROP TABLE "events"`);
    await q.query(`DROP INDEX "public"."IDX_5108503b19c349eba4b8859642"`);
    await q.query(`DROP TABLE "sources"`);
    await q.query(`DROP INDEX "public"."IDX_c37c5a0bb4b330ffcfe51ac150"`);
    await q.query(`DROP TABLE "source_rejections"`);
    await q.query(`DROP INDEX "public"."IDX_4cc2d802225818a97d64dc8c01"`);
    await q.query(`DROP INDEX "public"."IDX_559939fd53b0239a68ed66687f"`);
    await q.query(`DROP TABLE "dlq_entries"`);
  }
}
