import { MigrationInterface, QueryRunner } from 'typeorm';

export class CrmInstall1796316900000 implements MigrationInterface {
  name = 'CrmInstall1796316900000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "crm_connections" ADD "install_token" text`);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_82f6ad9f8b7aa2908d4db87709" ON "crm_connections"  ("install_token") WHERE install_token IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_82f6ad9f8b7aa2908d4db87709"`);
    await q.query(`ALTER TABLE "crm_connections" DROP COLUMN "install_token"`);
  }
}
