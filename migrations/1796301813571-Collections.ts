import { MigrationInterface, QueryRunner } from 'typeorm';

export class Collections1796301813571 implements MigrationInterface {
  name = 'Collections1796301813571';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "collection_messages" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "debt_id" uuid NOT NULL, "provider_message_id" text NOT NULL, "text" text, "kind" text NOT NULL, "intent" text NOT NULL, "confidence" real NOT NULL, "entities" jsonb NOT NULL DEFAULT '{}', "label" text, "labelled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8e1833fe63850df6e1b90652825" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_138ed85c99c5dc1de960ee5b0d" ON "collection_messages"  ("workspace_id", "provider_message_id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_1d0bd9c3c833cd48babb96a765" ON "collection_messages"  ("workspace_id", "debt_id", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_9ee47a29ea0de2bb52cfb05d73" ON "collection_messages"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "collection_campaign_sends" ("campaign_id" uuid NOT NULL, "debt_id" uuid NOT NULL, "step" integer NOT NULL, "workspace_id" uuid NOT NULL, "status" text NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "notification_id" uuid, "claimed_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "skip_reason" text, CONSTRAINT "PK_71b0ad4a09e5c32581261e55216" PRIMARY KEY ("campaign_id", "debt_id", "step"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_068741adc1de969ff288b59241" ON "collection_campaign_sends"  ("workspace_id", "debt_id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_07b165f1235346e5850588e380" ON "collection_campaign_sends"  ("campaign_id", "status", "due_at") `,
    );
    await q.query(
      `CREATE TABLE "collection_campaigns" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "name" text NOT NULL, "template" text NOT NULL, "filter" text, "schedule" jsonb NOT NULL, "rate_per_minute" integer NOT NULL, "follow_ups" jsonb NOT NULL DEFAULT '[]', "installment_plans" integer array NOT NULL DEFAULT '{}', "pix" jsonb, "status" text NOT NULL, "credit_from" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d0ee72f598ce773bdb99603d080" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_a7ff7fd652b7be9614e0de3a94" ON "collection_campaigns"  ("status") `);
    await q.query(
      `CREATE INDEX "IDX_6928d64ed6b3984f6b96fd96a2" ON "collection_campaigns"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "collection_debts" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "debtor_id" uuid NOT NULL, "external_id" text NOT NULL, "amount_cents" bigint NOT NULL, "paid_cents" bigint NOT NULL DEFAULT '0', "due_date" date NOT NULL, "status" text NOT NULL, "description" text, "boleto_line" text, "promised_for" date, "dialogue" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_75dd94d89a864e1f142e99b646e" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_f658ed40eadf7f3cdbd7c5b999" ON "collection_debts"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_439e9a318ebec17a74294e4d0f" ON "collection_debts"  ("workspace_id", "status", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_701e51cdbb439ab146784b9416" ON "collection_debts"  ("workspace_id", "debtor_id") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_6c9759a20b0a948035da829d55" ON "collection_debts"  ("workspace_id", "external_id") `,
    );
    await q.query(
      `CREATE TABLE "collection_debtors" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "tax_id" text NOT NULL, "tax_id_kind" text NOT NULL, "name" text NOT NULL, "phone" text NOT NULL, "contact_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_64b50c01a2d5407843c570de956" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_9aad7aa64231385e4281030b20" ON "collection_debtors"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_ead21ea04b71e1de3071eb9270" ON "collection_debtors"  ("workspace_id", "phone") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_a7f45c2911b7d0f59062f9f422" ON "collection_debtors"  ("workspace_id", "tax_id") `,
    );
    await q.query(
      `CREATE TABLE "collection_imports" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "status" text NOT NULL, "format" text NOT NULL, "chunks" integer NOT NULL DEFAULT '0', "bytes" bigint NOT NULL DEFAULT '0', "processed_rows" integer NOT NULL DEFAULT '0', "accepted" integer NOT NULL DEFAULT '0', "updated" integer NOT NULL DEFAULT '0', "rejected" integer NOT NULL DEFAULT '0', "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_11bfaf05489a05e539e04550849" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_f39c70c8269c3e7c8368b0e9c1" ON "collection_imports"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "collection_import_chunks" ("import_id" uuid NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_f7441bcae3f926fcda16b162066" PRIMARY KEY ("import_id", "seq"))`,
    );
    await q.query(
      `CREATE TABLE "collection_import_rejections" ("import_id" uuid NOT NULL, "row" integer NOT NULL, "field" text NOT NULL, "reason" text NOT NULL, CONSTRAINT "PK_39334fe47b1cb00f533e6475125" PRIMARY KEY ("import_id", "row"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "collection_import_rejections"`);
    await q.query(`DROP TABLE "collection_import_chunks"`);
    await q.query(`DROP INDEX "public"."IDX_f39c70c8269c3e7c8368b0e9c1"`);
    await q.query(`DROP TABLE "collection_imports"`);
    await q.query(`DROP INDEX "public"."IDX_a7f45c2911b7d0f59062f9f422"`);
    await q.query(`DROP INDEX "public"."IDX_ead21ea04b71e1de3071eb9270"`);
    await q.query(`DROP INDEX "public"."IDX_9aad7aa64231385e4281030b20"`);
    await q.query(`DROP TABLE "collection_debtors"`);
    await q.query(`DROP INDEX "public"."IDX_6c9759a20b0a948035da829d55"`);
    await q.query(`DROP INDEX "public"."IDX_701e51cdbb439ab146784b9416"`);
    await q.query(`DROP INDEX "public"."IDX_439e9a318ebec17a74294e4d0f"`);
    await q.query(`DROP INDEX "public"."IDX_f658ed40eadf7f3cdbd7c5b999"`);
    await q.query(`DROP TABLE "collection_debts"`);
    await q.query(`DROP INDEX "public"."IDX_6928d64ed6b3984f6b96fd96a2"`);
    await q.query(`DROP INDEX "public"."IDX_a7ff7fd652b7be9614e0de3a94"`);
    await q.query(`DROP TABLE "collection_campaigns"`);
    await q.query(`DROP INDEX "public"."IDX_07b165f1235346e5850588e380"`);
    await q.query(`DROP INDEX "public"."IDX_068741adc1de969ff288b59241"`);
    await q.query(`DROP TABLE "collection_campaign_sends"`);
    await q.query(`DROP INDEX "public"."IDX_9ee47a29ea0de2bb52cfb05d73"`);
    await q.query(`DROP INDEX "public"."IDX_1d0bd9c3c833cd48babb96a765"`);
    await q.query(`DROP INDEX "public"."IDX_138ed85c99c5dc1de960ee5b0d"`);
    await q.query(`DROP TABLE "collection_messages"`);
  }
}
