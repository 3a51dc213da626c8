import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { PageOf, PageQuery } from '../../platform/http/pagination';
import { ENTITY_TYPES } from '../canonical';
import { SYNC_STATUSES } from './sync-record.entity';

export class SyncQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only syncs in this status', enum: SYNC_STATUSES, example: 'failed' })
  @IsOptional()
  @IsIn(SYNC_STATUSES)
  status?: string;

  @ApiPropertyOptional({ description: 'Only this kind of entity', enum: ENTITY_TYPES, example: 'customer' })
  @IsOptional()
  @IsIn(ENTITY_TYPES)
  entityType?: string;

  @ApiPropertyOptional({ description: 'Only syncs to this connection' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;
}

export class SyncView {
  @ApiProperty({ description: 'Sync id' }) id: string;
  @ApiProperty({ description: 'The connection it syncs to' }) connectionId: string;
  @ApiProperty({ description: 'customer, invoice or payment', enum: ENTITY_TYPES }) entityType: string;
  @ApiProperty({ description: "Ponte's id of the entity (the system's integration key)" }) localId: string;
  @ApiProperty({ description: "The system's own id", nullable: true, type: String }) externalId:
    string | null;
  @ApiProperty({ description: 'pending, success, failed or conflict', enum: SYNC_STATUSES }) status: string;
  @ApiProperty({ description: "Ponte's version (time of the change)", nullable: true, type: String })
  localVersion: string | null;
  @ApiProperty({ description: "Hash of Ponte's current version" }) localHash: string;
  @ApiProperty({ description: "The system's version stamp at the last sync", nullable: true, type: String })
  remoteVersion: string | null;
  @ApiProperty({ description: "Hash of the system's version at the last sync", nullable: true, type: String })
  remoteHash: string | null;
  @ApiProperty({ description: 'Attempts of the current sync' }) attempts: number;
  @ApiProperty({ description: 'Why the last attempt failed', nullable: true, type: String }) lastError:
    string | null;
  @ApiProperty({ description: 'When the next attempt is due', nullable: true, type: String })
  nextAttemptAt: string | null;
  @ApiProperty({ description: 'Last successful sync', nullable: true, type: String }) syncedAt: string | null;
  @ApiProperty({ description: 'Created (ISO 8601)' }) createdAt: string;
  @ApiProperty({ description: 'Last changed (ISO 8601)' }) updatedAt: string;
}

export class SyncPage extends PageOf(SyncView) {}

export class ConflictQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'open (default) or resolved', enum: ['open', 'resolved'] })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: string;
}

export class FieldDiffView {
  @ApiProperty({ description: 'Field name', example: 'email' }) field: string;
  @ApiProperty({ description: 'Value both sides had at the last sync', nullable: true }) base: unknown;
  @ApiProperty({ description: "Ponte's value", nullable: true }) local: unknown;
  @ApiProperty({ description: "The accounting system's value", nullable: true }) remote: unknown;
}

export class ConflictView {
  @ApiProperty({ description: 'Conflict id' }) id: string;
  @ApiProperty({ description: 'The sync it holds' }) syncId: string;
  @ApiProperty({ description: 'Connection' }) connectionId: string;
  @ApiProperty({ description: 'customer, invoice or payment' }) entityType: string;
  @ApiProperty({ description: "Ponte's id of the entity" }) localId: string;
  @ApiProperty({ description: 'open or resolved' }) status: string;
  @ApiProperty({ description: 'Version at the last sync', nullable: true, additionalProperties: true })
  base: Record<string, unknown> | null;
  @ApiProperty({ description: "Ponte's version", additionalProperties: true }) local: Record<string, unknown>;
  @ApiProperty({ description: "The system's version", additionalProperties: true }) remote: Record<
    string,
    unknown
  >;
  @ApiProperty({ description: 'Fields that differ', type: [FieldDiffView] }) diff: FieldDiffView[];
  @ApiProperty({ description: 'local, remote or merge', nullable: true, type: String }) resolution:
    string | null;
  @ApiProperty({ description: 'The version kept', nullable: true, additionalProperties: true })
  resolved: Record<string, unknown> | null;
  @ApiProperty({ description: 'Created (ISO 8601)' }) createdAt: string;
  @ApiProperty({ description: 'Resolved (ISO 8601)', nullable: true, type: String }) resolvedAt:
    string | null;
}

export class ConflictPage extends PageOf(ConflictView) {}

export class ResolveConflictDto {
  @ApiProperty({
    description:
      "local: write Ponte's version to the system; remote: keep the system's (nothing is written there); merge: Ponte's version with `fields` taken from the system's (by default the fields only the system changed)",
    enum: ['local', 'remote', 'merge'],
  })
  @IsIn(['local', 'remote', 'merge'])
  keep: 'local' | 'remote' | 'merge';

  @ApiPropertyOptional({
    description: "merge: the fields whose system's value wins",
    example: ['email'],
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  fields?: string[];
}

export class ResolvedView {
  @ApiProperty({ description: 'The conflict, resolved', type: ConflictView }) conflict: ConflictView;
  @ApiProperty({
    description: 'Its sync: success (remote) or pending until the write is done',
    type: SyncView,
  })
  sync: SyncView;
}
