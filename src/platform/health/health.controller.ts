import { OperatorsOrMetricsToken, Public } from '../http/principal';
import { ApiProblems } from '../openapi/problem-response';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProblemException } from '../http/problem';
import { HealthService } from './health.service';
import { MaintenanceMode } from '../maintenance';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly maintenance: MaintenanceMode,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary:
      'Readiness: PostgreSQL and Redis reachable; 503 naming what is not, or MAINTENANCE during a restore',
  })
  async ready(): Promise<{ status: 'ready'; dependencies: Record<string, unknown> }> {
    if (this.health.isDraining) throw new ProblemException('SHUTTING_DOWN', 'The instance is shutting down');
    const maintenance = this.maintenance.current;
    if (maintenance) {
      throw new ProblemException('MAINTENANCE', maintenance.reason, {
        headers: { 'Retry-After': String(maintenance.retryAfterSeconds) },
      });
    }
    const dependencies = await this.health.dependencies();
    const down = Object.entries(dependencies)
      .filter(([, check]) => check.status === 'down')
      .map(([name]) => name);
    if (down.length > 0) {
      throw new ProblemException('DEPENDENCY_UNAVAILABLE', `${down.join(' and ')} unavailable`, {
        dependencies,
        headers: { 'Retry-After': '5' },
      });
    }
    return { status: 'ready', dependencies };
  }

  @Get('detailed')
  @OperatorsOrMetricsToken()
  @ApiOperation({
    summary: 'Dependencies, queues, memory and provider circuits (platform:admin, or the METRICS_TOKEN)',
  })
  @ApiProblems(401, 403, 429)
  detailed(): Promise<Record<string, unknown>> {
    return this.health.detailed();
  }
}
