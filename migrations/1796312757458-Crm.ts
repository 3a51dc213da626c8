import { MigrationInterface, QueryRunner } from 'typeorm';

export class Crm1796312757458 implements MigrationInterface {
  name = 'Crm1796312757458';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "crm_chats" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "line_row_id" uuid NOT NULL, "wa_id" text NOT NULL, "contact_name" text, "b24_contact_id" text, "b24_chat_id" text, "conversation_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_89932da3348bb3bb36604b575e1" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_9e0938424291ba08fc38effa6c" ON "crm_chats"  ("workspace_id", "connection_id") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_214480a1eaa6c8f76e1749064b" ON "crm_chats"  ("line_row_id", "wa_id") `,
    );
    await q.query(
      `CREATE TABLE "crm_messages" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "chat_id" uuid NOT NULL, "direction" text NOT NULL, "external_id" text NOT NULL, "status" text NOT NULL, "b24_chat_id" text, "notification_id" uuid, "provider_message_id" text, "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_8e8f265b7445e7c54fc781641aa" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_6a404981385ea99c968ea7c550" ON "crm_messages"  ("workspace_id", "provider_message_id") WHERE provider_message_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_b31b77bc92b3b69127274df2ac" ON "crm_messages"  ("notification_id") WHERE notification_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_5112d562a6aa596085556ea679" ON "crm_messages"  ("chat_id", "direction", "external_id") `,
    );
    await q.query(
      `CREATE TABLE "crm_connections" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "name" text NOT NULL, "status" text NOT NULL, "portal_url" text NOT NULL, "member_id" text, "client_endpoint" text, "config_sealed" text NOT NULL DEFAULT '', "oauth_state" text, "last_error" text, "refreshed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_63458281f57429f79a2a49c20e7" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_ac870095e9a28e41c14e44b6ac" ON "crm_connections"  ("oauth_state") WHERE oauth_state IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_8ffbdbdd57853e0778d04395b7" ON "crm_connections"  ("workspace_id", "member_id") WHERE member_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_4e197fe3d282d2a70f07c29faa" ON "crm_connections"  ("workspace_id", "id") `,
    );
    await q.query(
      `CREATE TABLE "crm_lines" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "line_id" text NOT NULL, "connector" text NOT NULL, "provider_id" uuid NOT NULL, "business_number" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9a17f5fc4f225d247a8af3a42d7" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_ef387e36cb79c437475afb837b" ON "crm_lines"  ("workspace_id", "business_number") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "IDX_8985c7d8ac78dcc7baf28858f0" ON "crm_lines"  ("connection_id", "line_id") `,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_8985c7d8ac78dcc7baf28858f0"`);
    await q.query(`DROP INDEX "public"."IDX_ef387e36cb79c437475afb837b"`);
    await q.query(`DROP TABLE "crm_lines"`);
    await q.query(`DROP INDEX "public"."IDX_4e197fe3d282d2a70f07c29faa"`);
    await q.query(`DROP INDEX "public"."IDX_8ffbdbdd57853e0778d04395b7"`);
    await q.query(`DROP INDEX "public"."IDX_ac870095e9a28e41c14e44b6ac"`);
    await q.query(`DROP TABLE "crm_connections"`);
    await q.query(`DROP INDEX "public"."IDX_5112d562a6aa596085556ea679"`);
    await q.query(`DROP INDEX "public"."IDX_b31b77bc92b3b69127274df2ac"`);
    await q.query(`DROP INDEX "public"."IDX_6a404981385ea99c968ea7c550"`);
    await q.query(`DROP TABLE "crm_messages"`);
    await q.query(`DROP INDEX "public"."IDX_214480a1eaa6c8f76e1749064b"`);
    await q.query(`DROP INDEX "public"."IDX_9e0938424291ba08fc38effa6c"`);
    await q.query(`DROP TABLE "crm_chats"`);
  }
}
