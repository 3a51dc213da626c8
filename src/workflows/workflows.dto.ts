import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
} from 'class-validator';
import { PageOf } from '../platform/http/pagination';
import type { CancelOn, Step, Trigger } from './workflow-definition';

const KEY = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const OBJECT = { type: 'object', additionalProperties: true } as const;
const STEPS_DOC =
  'Steps, each with an `id` unique in the workflow and a `type`: notify {channels, to, template, data?, category?, fallback?}, delay {duration | until}, webhook {endpointId | url, body?}, branch {if, then, else?}, emit {event, data?}, action {name, input?}. to, data, until, body, if and input are JSONata over {event, steps, contact, now, workspace}.';
const TRIGGER_DOC =
  '{event: "service.completed" (or a list), filter?: JSONata} or {schedule: {cron, timezone?: "America/Sao_Paulo"}}';
const CANCEL_DOC =
  '{event (or a list), match?: JSONata over {event, trigger}}: stops running or waiting executions';

export class CreateWorkflowDto {
  @ApiProperty({ description: 'Unique in the workspace', example: 'service-completed-feedback' })
  @Matches(KEY)
  key: string;

  @ApiProperty({ description: 'Human-readable name', example: 'Thank the client, then ask for feedback' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ description: TRIGGER_DOC, ...OBJECT, example: { event: 'service.completed' } })
  @IsObject()
  trigger: Trigger;

  @ApiProperty({ description: STEPS_DOC, type: 'array', items: OBJECT })
  @IsArray()
  @IsObject({ each: true })
  steps: Step[];

  @ApiPropertyOptional({ description: CANCEL_DOC, ...OBJECT, nullable: true })
  @IsOptional()
  @IsObject()
  cancelOn?: CancelOn | null;

  @ApiPropertyOptional({ description: 'Inactive workflows start nothing', default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateWorkflowDto {
  @ApiPropertyOptional({ description: 'Human-readable name' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: TRIGGER_DOC, ...OBJECT })
  @IsOptional()
  @IsObject()
  trigger?: Trigger;

  @ApiPropertyOptional({ description: STEPS_DOC, type: 'array', items: OBJECT })
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  steps?: Step[];

  @ApiPropertyOptional({ description: `${CANCEL_DOC}; null removes it`, ...OBJECT, nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsObject()
  cancelOn?: CancelOn | null;

  @ApiPropertyOptional({ description: 'Inactive workflows start nothing' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class FromTemplateDto {
  @ApiProperty({ description: 'A built-in workflow template key', example: 'service-completed-feedback' })
  @Matches(KEY)
  template: string;

  @ApiPropertyOptional({ description: 'Defaults to the template key' })
  @IsOptional()
  @Matches(KEY)
  key?: string;

  @ApiPropertyOptional({ description: 'Human-readable name' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'Inactive workflows start nothing', default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    description: '{steps: {<step id>: {field: value}}, trigger?, cancelOn?}; a null field removes it',
    ...OBJECT,
    example: { steps: { wait: { duration: 'PT3S' } } },
  })
  @IsOptional()
  @IsObject()
  overrides?: {
    steps?: Record<string, Record<string, unknown>>;
    trigger?: Trigger;
    cancelOn?: CancelOn | null;
  };
}

export class WorkflowView {
  @ApiProperty({ description: 'Id (UUIDv7)' }) id: string;
  @ApiProperty({ description: 'Key, unique in the workspace' }) key: string;
  @ApiProperty({ description: 'Human-readable name' }) name: string;
  @ApiProperty({ description: 'Bumped by every change; executions keep the version they started on' })
  version: number;
  @ApiProperty({
    description: 'What starts it: {event, filter?} or {schedule: {cron, timezone?}}',
    ...OBJECT,
  })
  trigger: Trigger;
  @ApiProperty({ description: 'Its steps, in order', type: 'array', items: OBJECT }) steps: Step[];
  @ApiProperty({ description: 'What cancels its running or waiting executions', ...OBJECT, nullable: true })
  cancelOn: CancelOn | null;
  @ApiProperty({ description: 'Inactive workflows start nothing' }) active: boolean;
  @ApiProperty({ description: 'The built-in template it was made from', nullable: true, type: String })
  template: string | null;
  @ApiProperty({ description: 'When it was created' }) createdAt: string;
  @ApiProperty({ description: 'When it last changed' }) updatedAt: string;
}
export class WorkflowPage extends PageOf(WorkflowView) {}

export class WorkflowTemplateView {
  @ApiProperty({ description: 'Key, unique in the workspace' }) key: string;
  @ApiProperty({ description: 'Human-readable name' }) name: string;
  @ApiProperty({ description: 'What it does' }) description: string;
  @ApiProperty({
    description: 'What starts it: {event, filter?} or {schedule: {cron, timezone?}}',
    ...OBJECT,
  })
  trigger: Trigger;
  @ApiProperty({ description: 'Its steps, in order', type: 'array', items: OBJECT }) steps: Step[];
  @ApiProperty({ description: 'What cancels its running or waiting executions', ...OBJECT, nullable: true })
  cancelOn: CancelOn | null;
}
export class WorkflowTemplateList {
  @ApiProperty({ description: 'The built-in workflow templates', type: [WorkflowTemplateView] })
  data: WorkflowTemplateView[];
}

export class StepRunView {
  @ApiProperty({ description: "The step's id in the workflow", example: 'ask-feedback' }) id: string;
  @ApiProperty({ description: 'Step type' }) type: string;
  @ApiProperty({ description: 'The branch path, e.g. steps.1.then.0' }) path: string;
  @ApiProperty({
    description: 'Where it is',
    enum: ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'],
  })
  status: string;
  @ApiProperty({ description: 'How many times it ran' }) attempts: number;
  @ApiProperty({ description: 'When it started', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ description: 'When it finished', nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ description: 'What it produced', nullable: true, ...OBJECT }) output: unknown;
  @ApiProperty({ description: 'Why it failed or was cancelled', nullable: true, type: String }) error:
    string | null;
}

export class ExecutionSummaryView {
  @ApiProperty({ description: 'Id (UUIDv7)' }) id: string;
  @ApiProperty({ description: 'The workflow' }) workflowId: string;
  @ApiProperty({ description: 'The workflow version it runs on' }) version: number;
  @ApiProperty({
    description: 'Where it is',
    enum: ['running', 'waiting', 'succeeded', 'failed', 'cancelled'],
  })
  status: string;
  @ApiProperty({
    description: 'The event that started it (null for a schedule)',
    nullable: true,
    type: String,
  })
  triggerEventId: string | null;
  @ApiProperty({ description: 'The cron tick that started it', nullable: true, type: String }) scheduledAt:
    string | null;
  @ApiProperty({ description: 'The contact the starting event reaches', nullable: true, type: String })
  contactId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When a waiting execution wakes' })
  wakeAt: string | null;
  @ApiProperty({ description: 'Why it failed or was cancelled', nullable: true, type: String }) error:
    string | null;
  @ApiProperty({ description: 'The id of the step that failed', nullable: true, type: String }) failedStep:
    string | null;
  @ApiProperty({ description: 'When it started' }) startedAt: string;
  @ApiProperty({ description: 'When it finished', nullable: true, type: String }) finishedAt: string | null;
}
export class ExecutionPage extends PageOf(ExecutionSummaryView) {}

export class ExecutionView extends ExecutionSummaryView {
  @ApiProperty({ type: [StepRunView], description: 'Every step of the version, in order' })
  steps: StepRunView[];
}
