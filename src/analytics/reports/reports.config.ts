import { IsOptional, IsString } from 'class-validator';
import { defineConfig } from '../../config/area-config';

class ReportsEnv {
  @IsOptional() @IsString() ANALYTICS_REPORT_FONT_DIR?: string;
}

/** Where the PDF report finds DejaVu Sans (`DejaVuSans.ttf`, `DejaVuSans-Bold.ttf`) to embed. */
export const reportsConfig = defineConfig('analytics-reports', ReportsEnv, (v) => ({
  fontDir: v.ANALYTICS_REPORT_FONT_DIR ?? '/usr/share/fonts/truetype/dejavu',
}));
