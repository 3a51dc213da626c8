import { MigrationInterface, QueryRunner } from 'typeorm';

export class Conversations1795387554390 implements MigrationInterface {
  name = 'Conversations1795387554390';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "consent_changes" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "contact_id" uuid NOT NULL, "channel" text NOT NULL, "category" text, "opted_in" boolean, "source" text NOT NULL, "detail" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f4850b13119aa9827167dd3d8b1" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_364bb0358308916f6045c5b21a" ON "consent_changes"  ("contact_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "contacts" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "external_id" text, "name" text, "phone" text, "wa_id" text, "email" text, "locale" text, "tags" text array NOT NULL DEFAULT '{}', "attributes" jsonb NOT NULL DEFAULT '{}', "preferences" jsonb NOT NULL DEFAULT '{}', "quiet_hours" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "erased_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b99cd40cfd66a99f1571f4f72e6" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_934910cd65d0547ca065f3fee5" ON "contacts"  ("workspace_id", "wa_id") `);
    await q.query(`CREATE INDEX "IDX_37aee5a1b7b1ab5f21fa7cc283" ON "contacts"  ("workspace_id", "email") `);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_0587e73d3e11b5a22228c15519" ON "contacts"  ("workspace_id", "phone") WHERE phone IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_195634a1b3c352f85ade5194d1" ON "contacts"  ("workspace_id", "external_id") WHERE external_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "IDX_c415b7f622482a65eca9725bd8" ON "contacts"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "conversations" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "contact_id" uuid NOT NULL, "business_number" text NOT NULL, "provider" text NOT NULL, "provider_id" uuid, "status" text NOT NULL, "last_inbound_at" TIMESTAMP WITH TIME ZONE, "last_message_at" TIMESTAMP WITH TIME ZONE, "unread_count" integer NOT NULL DEFAULT '0', "last_inbound_message_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_a3b470d5376173d521ab97c954" ON "conversations"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_03413fc546cd70ad88974c4a0a" ON "conversations"  ("workspace_id", "contact_id", "business_number") `,
    );
    await q.query(
      `CREATE TABLE "messages" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "conversation_id" uuid NOT NULL, "contact_id" uuid NOT NULL, "direction" text NOT NULL, "provider_message_id" text, "kind" text NOT NULL, "text" text, "media" jsonb, "status" text NOT NULL, "notification_id" uuid, "event_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_18325f38ae6de43878487eff986" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_9283df01cbe70db2170b079558" ON "messages"  ("notification_id") WHERE notification_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_2199a2250e40c962a78081a2e8" ON "messages"  ("workspace_id", "direction", "provider_message_id") WHERE provider_message_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_4930273dad971ae5129065720a" ON "messages"  ("workspace_id", "contact_id") `,
    );
    await q.query(`CREATE INDEX "IDX_862bd5c6b6ec65b905476e2ba4" ON "messages"  ("conversation_id", "id") `);
    await q.query(`ALTER TABLE "notifications" ADD "conversation_id" uuid`);
    await q.query(`ALTER TABLE "notifications" ADD "via_provider_id" uuid`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "via_provider_id"`);
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "conversation_id"`);
    await q.query(`DROP INDEX "public"."IDX_862bd5c6b6ec65b905476e2ba4"`);
    await q.query(`DROP INDEX "public"."IDX_4930273dad971ae5129065720a"`);
    await q.query(`DROP INDEX "public"."IDX_2199a2250e40c962a78081a2e8"`);
    await q.query(`DROP INDEX "public"."IDX_9283df01cbe70db2170b079558"`);
    await q.query(`DROP TABLE "messages"`);
    await q.query(`DROP INDEX "public"."IDX_03413fc546cd70ad88974c4a0a"`);
    await q.query(`DROP INDEX "public"."IDX_a3b470d5376173d521ab97c954"`);
    await q.query(`DROP TABLE "conversations"`);
    await q.query(`DROP INDEX "public"."IDX_c415b7f622482a65eca9725bd8"`);
    await q.query(`DROP INDEX "public"."IDX_195634a1b3c352f85ade5194d1"`);
    await q.query(`DROP INDEX "public"."IDX_0587e73d3e11b5a22228c15519"`);
    await q.query(`DROP INDEX "public"."IDX_37aee5a1b7b1ab5f21fa7cc283"`);
    await q.query(`DROP INDEX "public"."IDX_934910cd65d0547ca065f3fee5"`);
    await q.query(`DROP TABLE "contacts"`);
    await q.query(`DROP INDEX "public"."IDX_364bb0358308916f6045c5b21a"`);
    await q.query(`DROP TABLE "consent_changes"`);
  }
}
