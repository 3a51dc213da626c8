import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/config';
import { sha256Hex } from '../../platform/crypto/constant-time';
import { ApiKey } from '../api-keys/api-key.entity';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Workspace } from './workspace.entity';
import { WorkspacesService } from './workspaces.service';

const BOOTSTRAP_LOCK = 0x506f6e7466; // any constant distinct from the migration lock
const ADMIN_SCOPES = ['platform:admin', 'admin'];

/**
 * First start on an empty database: the `default` workspace and an admin key, printed once.
 * `BOOTSTRAP_ADMIN_API_KEY` fixes that key instead (and is re-created if missing, so tests and
 * Docker always have it). Several instances may start together: an advisory lock serialises them.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly dataSource: DataSource,
    private readonly workspaces: WorkspacesService,
    private readonly apiKeys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const fixedKey = this.config.security.bootstrapAdminApiKey;
    const printed = await this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      let workspace = await tx.findOne(Workspace, { where: {}, order: { id: 'ASC' } });
      const empty = !workspace;
      workspace ??= await this.workspaces.insert(tx, 'Default', 'default');
      if (fixedKey) {
        const exists = await tx.existsBy(ApiKey, { keyHash: sha256Hex(fixedKey) });
        if (!exists)
          await this.apiKeys.issue(
            tx,
            workspace.id,
            { name: 'Bootstrap admin', scopes: ADMIN_SCOPES },
            fixedKey,
          );
        return undefined;
      }
      if (!empty) return undefined;
      return (await this.apiKeys.issue(tx, workspace.id, { name: 'Bootstrap admin', scopes: ADMIN_SCOPES }))
        .key;
    });
    if (printed) {
      this.logger.log('Created the default workspace and an admin API key (printed once below)');
      // Written straight to stdout: the logger masks tokens, and this one must be readable once.
      process.stdout.write(`\n  Admin API key (store it now, it is not shown again): ${printed}\n\n`);
    }
  }
}
