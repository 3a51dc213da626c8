import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../../platform/clock';
import { IdPipe } from '../../platform/http/id-param';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { notFound } from '../../platform/http/problem';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { ClassificationView, ClassifyDto, CollectionMessageView, LabelDto } from './assistant.dto';
import { CollectionMessage } from './collection-message.entity';
import { IntentClassifier } from './intent-classifier';

@ApiTags('collections')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/collections')
export class AssistantController {
  constructor(
    private readonly classifier: IntentClassifier,
    @InjectRepository(CollectionMessage) private readonly messages: Repository<CollectionMessage>,
    private readonly clock: Clock,
  ) {}

  @Post('classify')
  @HttpCode(200)
  @RequireScope('collections:read')
  @ApiOperation({
    summary: 'Classify a pt-BR message: intent, confidence and entities (amounts, date, instalments)',
  })
  @ApiOkResponse({ type: ClassificationView })
  @ApiProblems(400, 415)
  classify(@Body() dto: ClassifyDto): ClassificationView {
    return this.classifier.classify(dto.text);
  }

  @Post('messages/:id/label')
  @HttpCode(200)
  @RequireScope('collections:write')
  @ApiOperation({
    summary: 'Correct the intent of a classified reply; npm run collections:train learns from it',
  })
  @ApiOkResponse({ type: CollectionMessageView })
  @ApiProblems(400, 404, 415)
  async label(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: LabelDto,
  ): Promise<CollectionMessageView> {
    const m = await this.messages.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!m) throw notFound('Message');
    m.label = dto.intent;
    m.labelledAt = this.clock.now();
    await this.messages.update({ id }, { label: m.label, labelledAt: m.labelledAt });
    return {
      id: m.id,
      debtId: m.debtId,
      text: m.text,
      kind: m.kind,
      intent: m.intent,
      confidence: m.confidence,
      entities: m.entities,
      label: m.label,
      createdAt: m.createdAt.toISOString(),
    };
  }
}
