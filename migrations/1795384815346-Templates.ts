import { MigrationInterface, QueryRunner } from 'typeorm';

export class Templates1795384815346 implements MigrationInterface {
  name = 'Templates1795384815346';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "templates" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "key" text NOT NULL, "channel" text NOT NULL, "locale" text NOT NULL, "version" integer NOT NULL, "subject" text, "body" text NOT NULL, "whatsapp" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_515948649ce0bbbe391de702ae5" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_5f8536e413a39cc3c6d6d8f93a" ON "templates"  ("workspace_id", "key", "channel", "locale", "version") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_5f8536e413a39cc3c6d6d8f93a"`);
    await q.query(`DROP TABLE "templates"`);
  }
}
