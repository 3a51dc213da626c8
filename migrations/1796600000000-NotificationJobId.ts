import { MigrationInterface, QueryRunner } from 'typeorm';

export class NotificationJobId1796600000000 implements MigrationInterface {
  name = 'NotificationJobId1796600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" ADD "job_id" text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "job_id"`);
  }
}
