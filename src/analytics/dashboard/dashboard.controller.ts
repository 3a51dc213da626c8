import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Caller, Principal, Public } from '../../platform/http/principal';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard-page';
import { DashboardGuard } from './dashboard.guard';
import { DashboardData, DashboardService } from './dashboard.service';

/** Chart.js as shipped in node_modules: the browser needs no internet. */
const CHART_JS = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The operator dashboard at `/admin/dashboard`, behind Bull Board's sign-in (the gateway's guard
 * steps aside: `@Public`, then DashboardGuard). It shows the signed-in key's workspace only.
 */
@ApiExcludeController()
@Public()
@UseGuards(DashboardGuard)
@Controller('admin/dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CSP)
  @Header('cache-control', 'no-store')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('data')
  @Header('cache-control', 'no-store')
  data(@Caller() caller: Principal): Promise<DashboardData> {
    return this.dashboard.data(caller.workspaceId);
  }

  @Get('dashboard.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  script(): string {
    return DASHBOARD_JS;
  }

  @Get('dashboard.css')
  @Header('content-type', 'text/css; charset=utf-8')
  style(): string {
    return DASHBOARD_CSS;
  }

  @Get('chart.umd.min.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=86400')
  chartJs(): Buffer {
    return CHART_JS;
  }
}
