import { MigrationInterface, QueryRunner } from 'typeorm';

export class WorkspaceDetailsListOrder1796290351848 implements MigrationInterface {
  name = 'WorkspaceDetailsListOrder1796290351848';

  // Business details of a workspace (PATCH /v1/workspaces/:id); notification and delivery lists
  // newest first by (created_at, id), since a workflow derives their ids from names.
  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_c12519a897f5525d357f5c5c88"`);
    await q.query(`DROP INDEX "public"."IDX_9b2f34a29fca37c93beaba46b1"`);
    await q.query(`DROP INDEX "public"."IDX_80aa437c27ffbbb5dcac207298"`);
    await q.query(`ALTER TABLE "workspaces" ADD "business_name" text`);
    await q.query(`ALTER TABLE "workspaces" ADD "time_zone" text NOT NULL DEFAULT 'America/Sao_Paulo'`);
    await q.query(`ALTER TABLE "workspaces" ADD "locale" text NOT NULL DEFAULT 'pt-BR'`);
    await q.query(`ALTER TABLE "workspaces" ADD "address" text`);
    await q.query(
      `CREATE INDEX "IDX_abb3d3fd97dcc3f753ac1f0f8a" ON "deliveries"  ("endpoint_id", "created_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_e4382ebe8ca90114ff9fffc80d" ON "notifications"  ("workspace_id", "to_contact_id", "created_at", "id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_283114adaf1f0206576b913fe9" ON "notifications"  ("workspace_id", "created_at", "id") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_283114adaf1f0206576b913fe9"`);
    await q.query(`DROP INDEX "public"."IDX_e4382ebe8ca90114ff9fffc80d"`);
    await q.query(`DROP INDEX "public"."IDX_abb3d3fd97dcc3f753ac1f0f8a"`);
    await q.query(`ALTER TABLE "workspaces" DROP COLUMN "address"`);
    await q.query(`ALTER TABLE "workspaces" DROP COLUMN "locale"`);
    await q.query(`ALTER TABLE "workspaces" DROP COLUMN "time_zone"`);
    await q.query(`ALTER TABLE "workspaces" DROP COLUMN "business_name"`);
    await q.query(`CREATE INDEX "IDX_80aa437c27ffbbb5dcac207298" ON "notifications" ("workspace_id", "id") `);
    await q.query(
      `CREATE INDEX "IDX_9b2f34a29fca37c93beaba46b1" ON "notifications" ("workspace_id", "to_contact_id", "id") `,
    );
    await q.query(`CREATE INDEX "IDX_c12519a897f5525d357f5c5c88" ON "deliveries" ("endpoint_id", "id") `);
  }
}
