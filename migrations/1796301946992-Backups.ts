import { MigrationInterface, QueryRunner } from 'typeorm';

export class Backups1796301946992 implements MigrationInterface {
  name = 'Backups1796301946992';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "backups" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "trigger" text NOT NULL, "status" text NOT NULL, "file_name" text NOT NULL, "size_bytes" bigint, "checksum" text, "server_version" text, "pg_dump_version" text, "schema_version" text, "row_counts" jsonb, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, "duration_ms" integer, "error" text, "validation" jsonb, "validated_at" TIMESTAMP WITH TIME ZONE, "restored_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ca30ff369eddfc7dac3b35d0d3c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_bf90d16a6f747ba1831bfe189f" ON "backups"  ("started_at") `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_bf90d16a6f747ba1831bfe189f"`);
    await q.query(`DROP TABLE "backups"`);
  }
}
