import { MigrationInterface, QueryRunner } from 'typeorm';

export class AnalyticsDaily1796316341965 implements MigrationInterface {
  name = 'AnalyticsDaily1796316341965';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "analytics_daily_rollups" ("workspace_id" uuid NOT NULL, "metric" text NOT NULL, "day" TIMESTAMP WITH TIME ZONE NOT NULL, "channel" text NOT NULL, "provider" text NOT NULL, "status" text NOT NULL, "event_type" text NOT NULL, "source" text NOT NULL, "workflow" text NOT NULL, "campaign" text NOT NULL, "bucket" smallint NOT NULL, "count" bigint NOT NULL, "total" bigint NOT NULL, CONSTRAINT "PK_7b25198fa3b25a1e1c8ed2c2de7" PRIMARY KEY ("workspace_id", "metric", "day", "channel", "provider", "status", "event_type", "source", "workflow", "campaign", "bucket"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "analytics_daily_rollups"`);
  }
}
