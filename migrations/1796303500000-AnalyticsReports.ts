import { MigrationInterface, QueryRunner } from 'typeorm';

export class AnalyticsReports1796303500000 implements MigrationInterface {
  name = 'AnalyticsReports1796303500000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "analytics_report_schedules" ("workspace_id" uuid NOT NULL, "recipients" text array NOT NULL, "format" text NOT NULL, "weekday" text NOT NULL, "hour" integer NOT NULL, "time_zone" text NOT NULL, "enabled" boolean NOT NULL, "next_run_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_sent_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_566a9199e2b5e39c4fb77991592" PRIMARY KEY ("workspace_id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_3b6ef3984602054f072c972f7a" ON "analytics_report_schedules"  ("next_run_at") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_3b6ef3984602054f072c972f7a"`);
    await q.query(`DROP TABLE "analytics_report_schedules"`);
  }
}
