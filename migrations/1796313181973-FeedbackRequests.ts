import { MigrationInterface, QueryRunner } from 'typeorm';

export class FeedbackRequests1796313181973 implements MigrationInterface {
  name = 'FeedbackRequests1796313181973';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "feedback_requests" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "contact_id" uuid NOT NULL, "request_key" text NOT NULL, "notification_id" uuid NOT NULL, "service_event_id" uuid, "appointment_id" text, "service" text, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL, "answered_at" TIMESTAMP WITH TIME ZONE, "reply_event_id" uuid, "feedback_event_id" uuid, CONSTRAINT "PK_4fceb8b13258b93add53a14d967" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_3df25785952191fb318cddbfdc" ON "feedback_requests"  ("workspace_id", "contact_id", "requested_at") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_c8a50505ee4a87b06dcf9faede" ON "feedback_requests"  ("workspace_id", "request_key") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_c8a50505ee4a87b06dcf9faede"`);
    await q.query(`DROP INDEX "public"."IDX_3df25785952191fb318cddbfdc"`);
    await q.query(`DROP TABLE "feedback_requests"`);
  }
}
