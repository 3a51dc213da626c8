import { MigrationInterface, QueryRunner } from 'typeorm';

export class CollectionsPaymentsPromisesPlans1796312859862 implements MigrationInterface {
  name = 'CollectionsPaymentsPromisesPlans1796312859862';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "collection_payments" ("event_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "debt_id" uuid NOT NULL, "amount_cents" bigint NOT NULL, "instalment" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_50a841ad29fc662fbb23d2714b8" PRIMARY KEY ("event_id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_9557959defdba14226bbb835dd" ON "collection_payments"  ("workspace_id", "debt_id") `,
    );
    await q.query(
      `CREATE TABLE "collection_promise_reminders" ("debt_id" uuid NOT NULL, "promised_for" date NOT NULL, "workspace_id" uuid NOT NULL, "status" text NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "until" TIMESTAMP WITH TIME ZONE NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "notification_id" uuid, "reason" text, CONSTRAINT "PK_cc0a9c08af85dba66dcaf21aa22" PRIMARY KEY ("debt_id", "promised_for"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_ae7ef850bfba15c64a8f9b2ae1" ON "collection_promise_reminders"  ("status", "due_at") `,
    );
    // instalment counts become plans ({instalments}), kept in their order
    await q.query(`ALTER TABLE "collection_campaigns" ADD "plans" jsonb NOT NULL DEFAULT '[]'`);
    await q.query(
      `UPDATE "collection_campaigns" SET "plans" = (SELECT coalesce(jsonb_agg(jsonb_build_object('instalments', n) ORDER BY i), '[]'::jsonb) FROM unnest("installment_plans") WITH ORDINALITY AS u(n, i))`,
    );
    await q.query(`ALTER TABLE "collection_campaigns" DROP COLUMN "installment_plans"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "collection_campaigns" ADD "installment_plans" integer array NOT NULL DEFAULT '{}'`,
    );
    await q.query(
      `UPDATE "collection_campaigns" SET "installment_plans" = ARRAY(SELECT (p->>'instalments')::int FROM jsonb_array_elements("plans") AS p)`,
    );
    await q.query(`ALTER TABLE "collection_campaigns" DROP COLUMN "plans"`);
    await q.query(`DROP INDEX "public"."IDX_ae7ef850bfba15c64a8f9b2ae1"`);
    await q.query(`DROP TABLE "collection_promise_reminders"`);
    await q.query(`DROP INDEX "public"."IDX_9557959defdba14226bbb835dd"`);
    await q.query(`DROP TABLE "collection_payments"`);
  }
}
