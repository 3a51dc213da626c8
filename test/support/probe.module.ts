import { Body, Controller, Get, Injectable, Module, Post, Query } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Idempotent } from '../../src/platform/http/idempotency/idempotency.interceptor';
import { ProblemException } from '../../src/platform/http/problem';
import { Public } from '../../src/platform/http/principal';
import { OnJob } from '../../src/platform/queue/on-job.decorator';

declare module '../../src/platform/queue/queue.registry' {
  /** The probe's job, in the registries the job tests start the app with. */
  interface JobNames {
    'probe.run': true;
  }
}

/** A test-only controller that exercises the platform's HTTP conventions with a real DTO. */
class Recipient {
  @Matches(/^\+\d{8,15}$/)
  phone: string;
}

class ProbeBody {
  @IsString()
  name: string;

  @ValidateNested()
  @Type(() => Recipient)
  to: Recipient;

  @IsInt()
  @Min(0)
  @Max(10)
  count: number;
}

@Public()
@Controller('v1/probe')
class ProbeController {
  @Post()
  create(@Body() body: ProbeBody): ProbeBody {
    return body;
  }

  @Get('boom')
  boom(@Query('q') _q?: string): never {
    throw new Error('relation "secret_table" does not exist at SELECT * FROM secret_table');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}

/** Records the jobs it ran; `slowMs` lets a test see a job finish during shutdown. */
@Injectable()
export class ProbeJobs {
  static ran: Array<{ id: string; data: unknown; finishedAt: number }> = [];

  @OnJob('probe.run')
  async run(data: { slowMs?: number }, job: { id?: string }): Promise<void> {
    if (data.slowMs) await new Promise((r) => setTimeout(r, data.slowMs));
    ProbeJobs.ran.push({ id: job.id!, data, finishedAt: Date.now() });
  }
}

@Module({ providers: [ProbeJobs] })
export class ProbeJobsModule {}

/** A slow create endpoint, so a test can send a second request while the first is in flight. */
class SlowBody {
  @IsString()
  name: string;
}

@Controller('v1/slow-things')
export class SlowController {
  static calls = 0;

  @Post()
  @Idempotent()
  async create(@Body() body: SlowBody): Promise<{ name: string; call: number }> {
    SlowController.calls++;
    await new Promise((r) => setTimeout(r, 400));
    if (body.name === 'fail') throw new ProblemException('UNPROCESSABLE', 'cannot make it');
    return { name: body.name, call: SlowController.calls };
  }
}

@Module({ controllers: [SlowController] })
export class SlowModule {}
