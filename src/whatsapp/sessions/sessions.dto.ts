import { ApiProperty } from '@nestjs/swagger';
import { SESSION_STATUSES, type SessionStatus } from '../../notifications/providers/session-control';

export class SessionView {
  @ApiProperty({ description: 'The provider whose session this is', format: 'uuid' })
  providerId: string;

  @ApiProperty({ description: 'The provider kind', example: 'waha' })
  kind: string;

  @ApiProperty({
    description: 'The same words for WAHA and Z-API (a Z-API instance not connected waits for a scan)',
    enum: SESSION_STATUSES,
    example: 'SCAN_QR_CODE',
  })
  status: SessionStatus;

  @ApiProperty({ description: "The provider's own status", example: 'SCAN_QR_CODE' })
  rawStatus: string;

  @ApiProperty({
    description: 'The connected WhatsApp id, when the provider says',
    nullable: true,
    type: String,
  })
  me: string | null;

  @ApiProperty({ description: 'When the status last changed', format: 'date-time' })
  changedAt: string;

  @ApiProperty({ description: 'When the status was last read or reported', format: 'date-time' })
  checkedAt: string;
}
