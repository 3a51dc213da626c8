import { MigrationInterface, QueryRunner } from 'typeorm';

export class Gateway1795377212927 implements MigrationInterface {
  name = 'Gateway1795377212927';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "name" text NOT NULL, "prefix" text NOT NULL, "key_hash" text NOT NULL, "scopes" text array NOT NULL, "rate_limit_per_minute" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_57384430aa1959f4578046c9b81" UNIQUE ("key_hash"), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_b08b43033d3d3a40cf23b5b758" ON "api_keys"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "audit_logs" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "actor_type" text NOT NULL, "actor_id" uuid NOT NULL, "method" text NOT NULL, "route" text NOT NULL, "status" integer NOT NULL, "duration_ms" integer NOT NULL, "ip" text, "request_id" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_1bb179d048bbc581caa3b013439" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_2cd10fda8276bb995288acfbfb" ON "audit_logs"  ("created_at") `);
    await q.query(`CREATE INDEX "IDX_44d875c757bd7ad42e358f7cff" ON "audit_logs"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "family_id" uuid NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a7838d2ba25be1342091b6695f1" UNIQUE ("token_hash"), CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba" ON "refresh_tokens"  ("family_id") `);
    await q.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "email" text NOT NULL, "password_hash" text NOT NULL, "role" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_ddb53abca49749773e10e28542" ON "users"  ("workspace_id", "id") `);
    await q.query(
      `CREATE TABLE "workspaces" ("id" uuid NOT NULL, "name" text NOT NULL, "slug" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_b8e9fe62e93d60089dfc4f175f3" UNIQUE ("slug"), CONSTRAINT "PK_098656ae401f3e1a4586f47fd8e" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "idempotency_keys" ("workspace_id" uuid NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "state" text NOT NULL, "response_status" integer, "response_body" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_d66f5bd69869bc039c871fe7d17" PRIMARY KEY ("workspace_id", "key"))`,
    );
    await q.query(`CREATE INDEX "IDX_e5fc0731b6752a8e9194fa265e" ON "idempotency_keys"  ("expires_at") `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_e5fc0731b6752a8e9194fa265e"`);
    await q.query(`DROP TABLE "idempotency_keys"`);
    await q.query(`DROP TABLE "workspaces"`);
    await q.query(`DROP INDEX "public"."IDX_ddb53abca49749773e10e28542"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP INDEX "public"."IDX_d5e27da0cd39bc3bb2811fc8ba"`);
    await q.query(`DROP TABLE "refresh_tokens"`);
    await q.query(`DROP INDEX "public"."IDX_44d875c757bd7ad42e358f7cff"`);
    await q.query(`DROP INDEX "public"."IDX_2cd10fda8276bb995288acfbfb"`);
    await q.query(`DROP TABLE "audit_logs"`);
    await q.query(`DROP INDEX "public"."IDX_b08b43033d3d3a40cf23b5b758"`);
    await q.query(`DROP TABLE "api_keys"`);
  }
}
