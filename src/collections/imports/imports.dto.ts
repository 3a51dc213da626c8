import { ApiProperty } from '@nestjs/swagger';
import { IMPORT_STATUSES, type ImportStatus } from './debt-import.entity';

export class ImportAcceptedView {
  @ApiProperty({ description: 'Import id: follow it at GET /v1/collections/imports/:id' }) id: string;
  @ApiProperty({ description: 'queued: stored, rows processed by a worker', enum: IMPORT_STATUSES })
  status: ImportStatus;
}

export class RejectedRowView {
  @ApiProperty({
    description: 'Data row number (1 = the first row after the CSV header, or the first array item)',
    example: 17,
  })
  row: number;
  @ApiProperty({ description: 'The field at fault', example: 'document' }) field: string;
  @ApiProperty({ description: 'Why', example: 'not a valid CPF or CNPJ (check digits)' }) reason: string;
}

export class ImportView {
  @ApiProperty({ description: 'Import id' }) id: string;
  @ApiProperty({ description: 'Progress', enum: IMPORT_STATUSES }) status: ImportStatus;
  @ApiProperty({ description: 'csv (CSV or multipart upload) or ndjson (JSON body)' }) format: string;
  @ApiProperty({ description: 'Bytes received' }) bytes: number;
  @ApiProperty({ description: 'Rows read so far' }) processedRows: number;
  @ApiProperty({ description: 'Debts created' }) accepted: number;
  @ApiProperty({ description: 'Debts updated (same external id)' }) updated: number;
  @ApiProperty({ description: 'Rows refused' }) rejected: number;
  @ApiProperty({ description: 'The first 1,000 refused rows, in row order', type: [RejectedRowView] })
  rejectedRows: RejectedRowView[];
  @ApiProperty({ description: 'Why the import failed as a whole', nullable: true, type: String }) error:
    string | null;
  @ApiProperty({ description: 'Received (ISO 8601)' }) createdAt: string;
  @ApiProperty({ description: 'Finished (ISO 8601)', nullable: true, type: String }) finishedAt:
    string | null;
}
