import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventJobId1796500000000 implements MigrationInterface {
  name = 'EventJobId1796500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "events" ADD "job_id" text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "events" DROP COLUMN "job_id"`);
  }
}
