import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ExecutionLeases } from './execution-leases';
import { StepWrites } from './step-writes';
import { BuiltinActions, WorkflowActions } from './workflow-actions';
import { WorkflowExecutions } from './workflow-executions';
import { WorkflowRunner } from './workflow-runner';
import { WorkflowScope } from './workflow-scope';
import { WorkflowSteps } from './workflow-steps';
import { WorkflowTriggers } from './workflow-triggers';
import { Workflow } from './workflow.entity';
import { WorkflowExecution } from './workflow-execution.entity';
import { WorkflowStepRun } from './workflow-step-run.entity';
import { WorkflowVersion } from './workflow-version.entity';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';
import { WorkflowsPersonalData } from './workflows-personal-data';

/**
 * Automation: "when X happens, do Y, wait, do Z". Versioned definitions, durable executions in
 * PostgreSQL with BullMQ timers rebuilt by the relay, and the five built-in templates.
 * Other modules add workflow actions by declaring `@WorkflowAction(name)` on a provider method.
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    DeliveriesModule,
    NotificationsModule,
    TypeOrmModule.forFeature([Workflow, WorkflowVersion, WorkflowExecution, WorkflowStepRun]),
  ],
  controllers: [WorkflowsController],
  providers: [
    WorkflowActions,
    BuiltinActions,
    WorkflowScope,
    WorkflowSteps,
    ExecutionLeases,
    StepWrites,
    WorkflowRunner,
    WorkflowTriggers,
    WorkflowExecutions,
    WorkflowsService,
    WorkflowsPersonalData,
  ],
  exports: [WorkflowActions],
})
export class WorkflowsModule {}
