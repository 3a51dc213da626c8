import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../platform/http/pagination';
import { DELIVERY_STATUSES, DeliveryStatus } from './delivery.entity';

export class DeliveryAttemptView {
  @ApiProperty({ description: 'Attempt number', example: 1 })
  attempt: number;
  @ApiProperty({
    description: 'HTTP status answered; null on timeout or network error',
    nullable: true,
    type: Number,
    example: 500,
  })
  statusCode: number | null;
  @ApiProperty({ description: 'Duration in milliseconds', example: 120 })
  durationMs: number;
  @ApiProperty({
    description: 'First KiB of the answer',
    nullable: true,
    type: String,
    example: '{"error":"busy"}',
  })
  responseExcerpt: string | null;
  @ApiProperty({ description: 'Timeout or network error', nullable: true, type: String, example: null })
  error: string | null;
  @ApiProperty({ description: 'When the attempt was made', example: '2026-11-22T12:00:00.000Z' })
  at: string;
}

export class DeliveryView {
  @ApiProperty({ description: 'Delivery id', example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab' })
  id: string;
  @ApiProperty({
    description: 'The webhook-id header, the same on every attempt',
    example: 'msg_01936b2e-1f2a-7cc3-8a4b-1234567890ab',
  })
  webhookId: string;
  @ApiProperty({
    description: 'The event delivered (null for a test ping)',
    nullable: true,
    type: String,
    example: null,
  })
  eventId: string | null;
  @ApiProperty({ description: 'Event type', example: 'lead.created' })
  eventType: string;
  @ApiProperty({ description: 'Status', enum: DELIVERY_STATUSES, example: 'succeeded' })
  status: DeliveryStatus;
  @ApiProperty({ description: 'Every attempt', type: [DeliveryAttemptView] })
  attempts: DeliveryAttemptView[];
  @ApiProperty({
    description: 'When the next attempt is due (failed deliveries)',
    nullable: true,
    type: String,
    example: null,
  })
  nextAttemptAt: string | null;
  @ApiProperty({ description: 'Creation time', example: '2026-11-22T12:00:00.000Z' })
  createdAt: string;
  @ApiProperty({
    description: 'When a 2xx came back',
    nullable: true,
    type: String,
    example: '2026-11-22T12:00:00.120Z',
  })
  deliveredAt: string | null;
}

export class DeliveryPage extends PageOf(DeliveryView) {}

export class PingView {
  @ApiProperty({
    description: 'The test delivery, visible in the endpoint’s deliveries',
    example: '01936b2e-1f2a-7cc3-8a4b-1234567890ab',
  })
  deliveryId: string;
}

export class RecoveredView {
  @ApiProperty({ description: 'Deliveries sent for a new round of attempts', example: 12 })
  recovered: number;
}
