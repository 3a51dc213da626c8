import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProviderSessions1796312632691 implements MigrationInterface {
  name = 'ProviderSessions1796312632691';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "provider_sessions" ("provider_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "kind" text NOT NULL, "status" text NOT NULL, "raw_status" text NOT NULL, "me" text, "drops" integer NOT NULL DEFAULT '0', "connects" integer NOT NULL DEFAULT '0', "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "checked_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ee6e2a3b0ec425072923d84d305" PRIMARY KEY ("provider_id"))`,
    );
    await q.query(`CREATE INDEX "IDX_b99b3cd09b040d854aa31670c0" ON "provider_sessions"  ("workspace_id") `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_b99b3cd09b040d854aa31670c0"`);
    await q.query(`DROP TABLE "provider_sessions"`);
  }
}
