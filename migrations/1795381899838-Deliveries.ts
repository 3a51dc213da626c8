import { MigrationInterface, QueryRunner } from 'typeorm';

export class Deliveries1795381899838 implements MigrationInterface {
  name = 'Deliveries1795381899838';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "endpoints" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "name" text NOT NULL, "url" text NOT NULL, "event_types" text array NOT NULL, "system" text, "headers_sealed" text, "secret_sealed" text NOT NULL, "previous_secret_sealed" text, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "rate_limit_per_second" integer, "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" text, "failing_since" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_70835610dfa54ad5d990e02f70a" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_3c1e93520222b65833162d1eb1" ON "endpoints"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "mappings" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "event_type" text NOT NULL, "system" text NOT NULL, "version" integer NOT NULL, "expression" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f77700976d4a5ff7d7ed8445c03" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_5b2a209276cb43a1d6e8b3ba41" ON "mappings"  ("workspace_id", "id") `);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_32a9a343c90a965ffb8f3d130c" ON "mappings"  ("workspace_id", "event_type", "system", "version") `,
    );
    await q.query(
      `CREATE TABLE "delivery_attempts" ("id" uuid NOT NULL, "delivery_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "attempt" integer NOT NULL, "status_code" integer, "duration_ms" integer NOT NULL, "response_excerpt" text, "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_41eba4eb5401d72860f7cd9a7ac" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_8f45eec1a24d272c677e5798b3" ON "delivery_attempts"  ("delivery_id", "attempt") `,
    );
    await q.query(
      `CREATE TABLE "deliveries" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "event_id" uuid, "event_type" text NOT NULL, "payload" jsonb NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "retry_round_start" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_status_code" integer, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_a6ef225c5c5f0974e503bfb731f" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "idx_deliveries_pending" ON "deliveries"  ("id") WHERE status IN ('pending', 'delivering', 'failed')`,
    );
    await q.query(`CREATE INDEX "IDX_c12519a897f5525d357f5c5c88" ON "deliveries"  ("endpoint_id", "id") `);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_b6347cae2b7cc77f85994c3ce1" ON "deliveries"  ("event_id", "endpoint_id") WHERE event_id IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_b6347cae2b7cc77f85994c3ce1"`);
    await q.query(`DROP INDEX "public"."IDX_c12519a897f5525d357f5c5c88"`);
    await q.query(`DROP INDEX "public"."idx_deliveries_pending"`);
    await q.query(`DROP TABLE "deliveries"`);
    await q.query(`DROP INDEX "public"."IDX_8f45eec1a24d272c677e5798b3"`);
    await q.query(`DROP TABLE "delivery_attempts"`);
    await q.query(`DROP INDEX "public"."IDX_32a9a343c90a965ffb8f3d130c"`);
    await q.query(`DROP INDEX "public"."IDX_5b2a209276cb43a1d6e8b3ba41"`);
    await q.query(`DROP TABLE "mappings"`);
    await q.query(`DROP INDEX "public"."IDX_3c1e93520222b65833162d1eb1"`);
    await q.query(`DROP TABLE "endpoints"`);
  }
}
