import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WEBHOOK_OUTCOMES, WebhookOutcome } from '../webhook-event.entity';

export class WebhookReceiptDto {
  @ApiProperty({ example: true })
  received: true;

  @ApiPropertyOptional({
    example: true,
    description: 'Present when this event id was already received; nothing was changed again',
  })
  replay?: true;

  @ApiPropertyOptional({ enum: WEBHOOK_OUTCOMES, description: 'What the event did (absent on a replay)' })
  outcome?: WebhookOutcome;
}
