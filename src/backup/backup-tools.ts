import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { isAbsolute, join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { ConfigOf, InjectConfig } from '../config/area-config';
import { backupConfig } from './backup.config';
import { BackupProblem } from './backup.problems';
import { findPgTools, PgTools, PgToolsError } from './pg-tools';

/** What a dump, a validation or a restore needs: the binaries, the key and the folder. */
export interface BackupKit {
  tools: PgTools;
  secret: string;
  dir: string;
}

/**
 * Finds pg_dump/pg_restore at start (one clear log line when they are missing or older than the
 * server) and hands them out with the key; backups answer 503 BACKUP_UNAVAILABLE with the same
 * line while they cannot run. The rest of Ponte runs either way.
 */
@Injectable()
export class BackupTools implements OnApplicationBootstrap {
  private readonly logger = new Logger('Backup');
  private tools?: PgTools;
  private problem?: string;
  readonly dir: string;

  constructor(
    private readonly dataSource: DataSource,
    @InjectConfig(backupConfig) private readonly config: ConfigOf<typeof backupConfig>,
  ) {
    this.dir = isAbsolute(config.dir) ? config.dir : resolve(process.cwd(), config.dir);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    if (this.problem) this.logger.error(`Backups unavailable: ${this.problem}`);
    else if (this.config.usingDevKey)
      this.logger.warn(
        'BACKUP_ENCRYPTION_KEY is not set: backups use the development key (never in production)',
      );
  }

  /** Looks again (a client installed since start); sets what is wrong, if anything. */
  async check(): Promise<void> {
    try {
      const [{ v }] = await this.dataSource.query<Array<{ v: string }>>(
        "SELECT current_setting('server_version_num') AS v",
      );
      this.tools = await findPgTools(this.config.pgBinDir, Math.floor(Number(v) / 10000));
      this.problem = this.config.encryptionKey
        ? undefined
        : 'BACKUP_ENCRYPTION_KEY must be set in production (backups hold personal data)';
    } catch (err) {
      this.tools = undefined;
      this.problem =
        err instanceof PgToolsError ? err.message : `pg_dump check failed: ${(err as Error).message}`;
    }
  }

  get unavailable(): string | undefined {
    return this.problem;
  }

  async kit(): Promise<BackupKit> {
    if (!this.tools || this.problem) await this.check();
    if (!this.tools || this.problem || !this.config.encryptionKey)
      throw new BackupProblem('BACKUP_UNAVAILABLE', this.problem ?? 'pg_dump not found');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    return { tools: this.tools, secret: this.config.encryptionKey, dir: this.dir };
  }

  path(fileName: string): string {
    return join(this.dir, fileName);
  }
}
