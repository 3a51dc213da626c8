import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventRawBody1796290000000 implements MigrationInterface {
  name = 'EventRawBody1796290000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "events" ADD "raw_body" bytea`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "events" DROP COLUMN "raw_body"`);
  }
}
