import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventLease1796400000000 implements MigrationInterface {
  name = 'EventLease1796400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "events" ADD "lease_until" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "events" DROP COLUMN "lease_until"`);
  }
}
