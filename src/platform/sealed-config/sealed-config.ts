import type { SecretBox } from '../crypto/secret-box';
import type { ConfigValues } from './config-fields';

/**
 * "Kind + encrypted config" rows: a connection to an outside system whose settings hold
 * credentials (webhook sources, messaging providers, and next CRM, calendar and accounting
 * connections). The row keeps `kind` in clear and its whole config as one JSON string sealed with
 * the SecretBox, bound to the row (the AAD names the row, so a sealed config copied onto another
 * row does not open). The kind's keys are described once with `ConfigFields` (config-fields.ts):
 * that spec validates what the API receives, masks secrets in views, fills generated secrets and
 * documents the config in OpenAPI.
 *
 * Use, for a new module's connections:
 *
 *   // crm-connection.entity.ts: @Column('text') kind: string; @Column('text') configSealed: string;
 *   const FIELDS: ConfigFields = { apiKey: { type: 'string', required: true, secret: true, description: 'API key' } };
 *   private readonly configs = new SealedConfig<CrmConfig>(box, (id) => `crm-connection:${id}`);
 *   const errors = validateConfig(FIELDS, dto.config, `${dto.kind} connections`);
 *   row.configSealed = this.configs.seal(row.id, dto.config);
 *   const config = this.configs.open(row);              // decrypted, for the client
 *   const view = maskConfig(FIELDS, config);             // for the API
 *
 * The AAD format of a table must never change once rows exist (they would no longer open).
 */
export class SealedConfig<C extends object = ConfigValues> {
  constructor(
    private readonly box: SecretBox,
    /** The associated data that binds a sealed config to its row, from the row's id. */
    private readonly aadOf: (id: string) => string,
  ) {}

  seal(id: string, config: C): string {
    return this.box.seal(JSON.stringify(config), this.aadOf(id));
  }

  open(row: { id: string; configSealed: string }): C {
    return JSON.parse(this.box.open(row.configSealed, this.aadOf(row.id))) as C;
  }

  /** The row's config with `changes` merged in, sealed again. */
  merge(row: { id: string; configSealed: string }, changes: Partial<C>): string {
    return this.seal(row.id, { ...this.open(row), ...changes });
  }
}
