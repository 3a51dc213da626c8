import { MigrationInterface, QueryRunner } from 'typeorm';

export class EventHandledBy1796300000000 implements MigrationInterface {
  name = 'EventHandledBy1796300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "events" ADD "handled_by" text array NOT NULL DEFAULT '{}'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "events" DROP COLUMN "handled_by"`);
  }
}
