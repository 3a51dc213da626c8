import { Template } from './template.entity';
import { TemplateRenderer } from './template-renderer';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/** What NotificationsModule registers for templates (entities go to TypeOrmModule.forFeature). */
export const TEMPLATE_ENTITIES = [Template];
export const TEMPLATE_CONTROLLERS = [TemplatesController];
export const TEMPLATE_PROVIDERS = [TemplateRenderer, TemplatesService];
