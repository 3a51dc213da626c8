import { MigrationInterface, QueryRunner } from 'typeorm';

export class Analytics1796312307162 implements MigrationInterface {
  name = 'Analytics1796312307162';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "alert_events" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "rule_id" uuid NOT NULL, "kind" text NOT NULL, "metric" text NOT NULL, "value" double precision, "threshold" double precision NOT NULL, "notified" jsonb NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f8dd833a0534d3a01e8d01e3bca" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_d958ddb0d390d4129e36ddcbe9" ON "alert_events"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "alert_rules" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "name" text NOT NULL, "metric" text NOT NULL, "condition" text NOT NULL, "threshold" double precision NOT NULL, "window" text NOT NULL, "window_ms" integer NOT NULL, "channels" jsonb NOT NULL, "enabled" boolean NOT NULL, "preset" text, "state" text NOT NULL, "state_since" TIMESTAMP WITH TIME ZONE, "last_value" double precision, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ae580564f087ffab9d229225aec" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_49c66dcf74464eaf49b21cd93b" ON "alert_rules"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "analytics_facts" ("id" text NOT NULL, "workspace_id" uuid NOT NULL, "metric" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "channel" text NOT NULL DEFAULT '', "provider" text NOT NULL DEFAULT '', "status" text NOT NULL DEFAULT '', "event_type" text NOT NULL DEFAULT '', "source" text NOT NULL DEFAULT '', "workflow" text NOT NULL DEFAULT '', "campaign" text NOT NULL DEFAULT '', "value" bigint NOT NULL DEFAULT '0', "duration_ms" bigint, CONSTRAINT "PK_d03026632913596be11f68724b5" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_62c893db44843660892474eca1" ON "analytics_facts"  ("workspace_id", "at") `,
    );
    await q.query(
      `CREATE TABLE "analytics_rollups" ("workspace_id" uuid NOT NULL, "metric" text NOT NULL, "hour" TIMESTAMP WITH TIME ZONE NOT NULL, "channel" text NOT NULL, "provider" text NOT NULL, "status" text NOT NULL, "event_type" text NOT NULL, "source" text NOT NULL, "workflow" text NOT NULL, "campaign" text NOT NULL, "bucket" smallint NOT NULL, "count" bigint NOT NULL, "total" bigint NOT NULL, CONSTRAINT "PK_6be1d674197600c2c89fe11ee98" PRIMARY KEY ("workspace_id", "metric", "hour", "channel", "provider", "status", "event_type", "source", "workflow", "campaign", "bucket"))`,
    );
    await q.query(
      `CREATE TABLE "analytics_awaiting_replies" ("conversation_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "channel" text NOT NULL, "since" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_29e3f3fd943ddb5bc79b8b1da7d" PRIMARY KEY ("conversation_id"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "analytics_awaiting_replies"`);
    await q.query(`DROP TABLE "analytics_rollups"`);
    await q.query(`DROP INDEX "public"."IDX_62c893db44843660892474eca1"`);
    await q.query(`DROP TABLE "analytics_facts"`);
    await q.query(`DROP INDEX "public"."IDX_49c66dcf74464eaf49b21cd93b"`);
    await q.query(`DROP TABLE "alert_rules"`);
    await q.query(`DROP INDEX "public"."IDX_d958ddb0d390d4129e36ddcbe9"`);
    await q.query(`DROP TABLE "alert_events"`);
  }
}
