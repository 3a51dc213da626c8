import { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1795385343526 implements MigrationInterface {
  name = 'Notifications1795385343526';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "providers" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "channel" text NOT NULL, "kind" text NOT NULL, "name" text NOT NULL, "config_sealed" text NOT NULL, "priority" integer NOT NULL, "rate_limit_per_second" integer, "enabled" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_af13fc2ebf382fe0dad2e4793aa" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_714fe15845e84703b1eedf95c8" ON "providers"  ("workspace_id", "channel", "priority") `,
    );
    await q.query(
      `CREATE TABLE "sandbox_messages" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "notification_id" uuid, "channel" text NOT NULL, "to" text NOT NULL, "subject" text, "text" text NOT NULL, "html" text, "message" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_58f736b68fedc5b17d904410301" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_5da429c583914dae8d9f4fc0d8" ON "sandbox_messages"  ("workspace_id", "channel", "id") `,
    );
    await q.query(
      `CREATE TABLE "notification_attempts" ("id" uuid NOT NULL, "notification_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "attempt" integer NOT NULL, "channel" text NOT NULL, "provider_id" uuid, "provider_kind" text NOT NULL, "status" text NOT NULL, "provider_message_id" text, "error_code" text, "error" text, "duration_ms" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f6abd34f351bbbf11c7ae8e7565" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_21dfe63303db7e6b5de9a10760" ON "notification_attempts"  ("provider_message_id") WHERE provider_message_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_9576c502f9952525d98e072e1d" ON "notification_attempts"  ("notification_id", "attempt") `,
    );
    await q.query(
      `CREATE TABLE "notifications" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "to_contact_id" uuid, "to_phone" text, "to_email" text, "channels" text array NOT NULL, "template_key" text, "locale" text, "content" jsonb, "data" jsonb NOT NULL, "category" text NOT NULL, "priority" text NOT NULL, "send_at" TIMESTAMP WITH TIME ZONE, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "route_tries" integer NOT NULL DEFAULT '0', "skipped_routes" text array NOT NULL DEFAULT '{}', "current_attempt_id" uuid, "channel" text, "provider_id" uuid, "provider_kind" text, "provider_message_id" text, "error_code" text, "error" text, "timeline" jsonb NOT NULL DEFAULT '[]', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "idx_notifications_pending" ON "notifications"  ("next_attempt_at") WHERE status IN ('scheduled', 'queued', 'sending')`,
    );
    await q.query(
      `CREATE INDEX "IDX_9b2f34a29fca37c93beaba46b1" ON "notifications"  ("workspace_id", "to_contact_id", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_80aa437c27ffbbb5dcac207298" ON "notifications"  ("workspace_id", "id") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_80aa437c27ffbbb5dcac207298"`);
    await q.query(`DROP INDEX "public"."IDX_9b2f34a29fca37c93beaba46b1"`);
    await q.query(`DROP INDEX "public"."idx_notifications_pending"`);
    await q.query(`DROP TABLE "notifications"`);
    await q.query(`DROP INDEX "public"."IDX_9576c502f9952525d98e072e1d"`);
    await q.query(`DROP INDEX "public"."IDX_21dfe63303db7e6b5de9a10760"`);
    await q.query(`DROP TABLE "notification_attempts"`);
    await q.query(`DROP INDEX "public"."IDX_5da429c583914dae8d9f4fc0d8"`);
    await q.query(`DROP TABLE "sandbox_messages"`);
    await q.query(`DROP INDEX "public"."IDX_714fe15845e84703b1eedf95c8"`);
    await q.query(`DROP TABLE "providers"`);
  }
}
