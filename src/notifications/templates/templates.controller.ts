import { Body, Controller, Get, HttpCode, Param, PipeTransform, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { notFound } from '../../platform/http/problem';
import { ApiProblems } from '../../platform/openapi/problem-response';
import type { RenderedContent } from '../channels';
import {
  CreateTemplateDto,
  PreviewTemplateDto,
  RenderedContentView,
  TEMPLATE_KEY,
  TemplateDetailView,
  TemplatePage,
  TemplateView,
} from './templates.dto';
import { TemplatesService } from './templates.service';

/** A key no template can have names none: 404, as an id that is not a UUID does. */
class KeyPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!TEMPLATE_KEY.test(value)) throw notFound('Template');
    return value;
  }
}

const KeyParam = () =>
  ApiParam({ name: 'key', description: 'Template key', example: 'appointment-reminder-24h' });

const LIQUID =
  'Subject, body and WhatsApp parameters are Liquid (LiquidJS) with strict variables; `{% if x %}` and ' +
  "`| default:` may test absent data. Filters beyond Liquid's: `money` (`150.5` → `R$ 150,50`) and " +
  "`first_name`; `date` shows São Paulo time unless given a zone (`date: '%H:%M', 'America/Manaus'`). " +
  'E-mail bodies are HTML and every `{{ }}` in them is HTML-escaped.';

@ApiTags('templates')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @Idempotent()
  @RequireScope('templates:write')
  @ApiOperation({
    summary: 'Create the next version of a template for one channel and locale',
    description: `${LIQUID} A template that does not parse is 422 \`TEMPLATE_INVALID\` with \`errors[].field\` (\`body\`, \`subject\`, \`whatsapp.parameters.0\`). \`subject\` is required for email and refused elsewhere; \`whatsapp\` is for channel whatsapp only.`,
  })
  @ApiCreatedResponse({ type: TemplateView })
  @ApiProblems(400, 409, 415, 422)
  create(@Caller() caller: Principal, @Body() dto: CreateTemplateDto): Promise<TemplateView> {
    return this.templates.create(caller, dto);
  }

  @Get()
  @RequireScope('templates:read')
  @ApiOperation({
    summary: 'Every template in use: the newest version of each key, channel and locale, and the built-ins',
    description:
      'Built-ins (`builtIn: true`, shared by every workspace) are listed unless the workspace has its own template for the same key, channel and locale. Sorted by key, channel and locale, not newest first; `nextCursor` is a position in that order.',
  })
  @ApiOkResponse({ type: TemplatePage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: PageQuery): Promise<TemplatePage> {
    return this.templates.list(caller, query);
  }

  @Get(':key')
  @RequireScope('templates:read')
  @KeyParam()
  @ApiOperation({ summary: 'A template: what each channel and locale uses, with its earlier versions' })
  @ApiOkResponse({ type: TemplateDetailView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('key', KeyPipe) key: string): Promise<TemplateDetailView> {
    return this.templates.get(caller, key);
  }

  @Post(':key/preview')
  @HttpCode(200)
  @RequireScope('templates:read')
  @KeyParam()
  @ApiOperation({
    summary: 'Render a template with sample data, as sending would',
    description: `${LIQUID} Data lacking variables is 422 \`TEMPLATE_VARIABLES_MISSING\` listing every one (\`errors[].field\` = \`data.<path>\`, and \`missing\`); a key with no template for the channel is 422 \`TEMPLATE_NOT_FOUND\`; a key with none at all, 404.`,
  })
  @ApiOkResponse({ type: RenderedContentView })
  @ApiProblems(400, 404, 415, 422)
  preview(
    @Caller() caller: Principal,
    @Param('key', KeyPipe) key: string,
    @Body() dto: PreviewTemplateDto,
  ): Promise<RenderedContent> {
    return this.templates.preview(caller, key, dto);
  }
}
