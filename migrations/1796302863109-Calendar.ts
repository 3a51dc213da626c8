import { MigrationInterface, QueryRunner } from 'typeorm';

export class Calendar1796302863109 implements MigrationInterface {
  name = 'Calendar1796302863109';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "appointments" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "contact_id" uuid NOT NULL, "service" text NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "duration_minutes" integer NOT NULL, "status" text NOT NULL, "connection_id" uuid, "calendar_id" text, "resource" text, "notes" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_4a437a9a27e948726b8bb3e36ad" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_8c197d60deef8321d79bf06a11" ON "appointments"  ("workspace_id", "contact_id") `,
    );
    await q.query(
      `CREATE INDEX "IDX_2043e9cecf9747e3ffbb0bc92a" ON "appointments"  ("workspace_id", "starts_at") `,
    );
    await q.query(
      `CREATE TABLE "booking_offers" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "contact_id" uuid NOT NULL, "service" text NOT NULL, "duration_minutes" integer NOT NULL, "slots" jsonb NOT NULL, "appointment_id" uuid, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_c000e2973cb4b9fe685c6469ec4" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_d13cc13b43cbe26e34b610d185" ON "booking_offers"  ("workspace_id", "contact_id", "created_at") `,
    );
    await q.query(
      `CREATE TABLE "calendar_connections" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "kind" text NOT NULL, "status" text NOT NULL, "name" text NOT NULL, "calendar_ids" text array NOT NULL, "credentials_sealed" text, "oauth_state" text, "sync_tokens" jsonb NOT NULL DEFAULT '{}', "sync_lease_until" TIMESTAMP WITH TIME ZONE, "last_synced_at" TIMESTAMP WITH TIME ZONE, "next_sync_at" TIMESTAMP WITH TIME ZONE, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_c2f78ae03c2e2a9389f6d8ddc64" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_942ae10fce681b9d9aecdd1e85" ON "calendar_connections"  ("oauth_state") WHERE oauth_state IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_ef648d40aa3f13036ef458e244" ON "calendar_connections"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "calendar_events" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "calendar_id" text NOT NULL, "google_event_id" text NOT NULL, "summary" text, "description" text, "location" text, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "time_zone" text, "status" text NOT NULL, "appointment_id" uuid, "push_state" text NOT NULL, "push_seq" integer NOT NULL DEFAULT '0', "push_attempts" integer NOT NULL DEFAULT '0', "push_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_faf5391d232322a87cdd1c6f30c" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "idx_calendar_events_unpushed" ON "calendar_events"  ("updated_at") WHERE push_state <> 'synced'`,
    );
    await q.query(`CREATE INDEX "IDX_bec0fedbb797397c9d98350ce5" ON "calendar_events"  ("appointment_id") `);
    await q.query(
      `CREATE INDEX "IDX_e8ac72294959d4c05ec7bb7710" ON "calendar_events"  ("workspace_id", "connection_id", "calendar_id", "starts_at") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_fe39eb7635eb801000c5a1fa26" ON "calendar_events"  ("connection_id", "calendar_id", "google_event_id") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_fe39eb7635eb801000c5a1fa26"`);
    await q.query(`DROP INDEX "public"."IDX_e8ac72294959d4c05ec7bb7710"`);
    await q.query(`DROP INDEX "public"."IDX_bec0fedbb797397c9d98350ce5"`);
    await q.query(`DROP INDEX "public"."idx_calendar_events_unpushed"`);
    await q.query(`DROP TABLE "calendar_events"`);
    await q.query(`DROP INDEX "public"."IDX_ef648d40aa3f13036ef458e244"`);
    await q.query(`DROP INDEX "public"."IDX_942ae10fce681b9d9aecdd1e85"`);
    await q.query(`DROP TABLE "calendar_connections"`);
    await q.query(`DROP INDEX "public"."IDX_d13cc13b43cbe26e34b610d185"`);
    await q.query(`DROP TABLE "booking_offers"`);
    await q.query(`DROP INDEX "public"."IDX_2043e9cecf9747e3ffbb0bc92a"`);
    await q.query(`DROP INDEX "public"."IDX_8c197d60deef8321d79bf06a11"`);
    await q.query(`DROP TABLE "appointments"`);
  }
}
