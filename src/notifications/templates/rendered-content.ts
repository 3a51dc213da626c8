import type { Channel, RenderedContent } from '../channels';
import { FieldError, ProblemException } from '../../platform/http/problem';
import { htmlToText } from './html-to-text';
import type { WhatsAppTemplateSpec } from './template.entity';
import {
  MissingVariablesError,
  RenderMode,
  TemplateRenderer,
  TemplateRenderError,
  TemplateSyntaxError,
} from './template-renderer';
import { NotificationsProblem } from '../notifications.problems';

/** What a template (stored, built-in or inline) holds for one channel. */
export interface TemplateContent {
  subject: string | null;
  body: string;
  whatsapp: WhatsAppTemplateSpec | null;
}

/** Where each part lives in the request, for `errors[].field`: `body`, or `content.body` inline. */
export interface ContentFields {
  subject: string;
  body: string;
  /** Prefix of the parameters' fields: `whatsapp.parameters` gives `whatsapp.parameters.0`. */
  parameters: string;
}

export const TEMPLATE_FIELDS: ContentFields = {
  subject: 'subject',
  body: 'body',
  parameters: 'whatsapp.parameters',
};

interface Part {
  field: string;
  source: string;
  mode: RenderMode;
}

const TEXT: RenderMode = { html: false };
const HTML: RenderMode = { html: true };

/** The Liquid sources of a content for a channel: e-mail bodies are HTML, everything else text. */
function parts(channel: Channel, content: TemplateContent, fields: ContentFields): Part[] {
  const out: Part[] = [];
  if (channel === 'email' && content.subject !== null) {
    out.push({ field: fields.subject, source: content.subject, mode: TEXT });
  }
  out.push({ field: fields.body, source: content.body, mode: channel === 'email' ? HTML : TEXT });
  if (channel === 'whatsapp' && content.whatsapp) {
    content.whatsapp.parameters.forEach((source, i) =>
      out.push({ field: `${fields.parameters}.${i}`, source, mode: TEXT }),
    );
  }
  return out;
}

/** Parse errors of every part, one field error per problem (empty when all parse). */
export function checkContent(
  renderer: TemplateRenderer,
  channel: Channel,
  content: TemplateContent,
  fields: ContentFields = TEMPLATE_FIELDS,
): FieldError[] {
  return parts(channel, content, fields).flatMap((part) =>
    renderer.check(part.source, part.mode).map((message) => ({ field: part.field, message })),
  );
}

export function invalidTemplate(what: string, errors: FieldError[]): ProblemException {
  const first = errors[0];
  return new NotificationsProblem(
    'TEMPLATE_INVALID',
    `${what} does not parse: ${first ? `${first.field}: ${first.message}` : 'unknown error'}`,
    { errors },
  );
}

/** One line: Meta refuses parameters with new lines, tabs or runs of spaces, and so do mail headers. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Renders every part with `data`. Every variable missing from any part is reported at once (422
 * TEMPLATE_VARIABLES_MISSING, `errors[].field` = `data.<path>`, extension `missing`); a part that
 * does not parse or fails to render is 422 TEMPLATE_INVALID naming its field. `what` names the
 * template in the detail, e.g. `Template "lead-welcome" (whatsapp, pt-BR)`.
 */
export function renderContent(
  renderer: TemplateRenderer,
  channel: Channel,
  content: TemplateContent,
  data: Record<string, unknown>,
  what: string,
  fields: ContentFields = TEMPLATE_FIELDS,
): RenderedContent {
  const missing = new Set<string>();
  const invalid: FieldError[] = [];
  const output = new Map<string, string>();
  for (const part of parts(channel, content, fields)) {
    try {
      output.set(part.field, renderer.render(part.source, data, part.mode));
    } catch (err) {
      if (err instanceof MissingVariablesError) err.variables.forEach((v) => missing.add(v));
      else if (err instanceof TemplateSyntaxError)
        invalid.push(...err.messages.map((message) => ({ field: part.field, message })));
      else if (err instanceof TemplateRenderError) invalid.push({ field: part.field, message: err.message });
      else throw err;
    }
  }
  if (invalid.length) throw invalidTemplate(what, invalid);
  if (missing.size) {
    const paths = [...missing];
    throw new NotificationsProblem(
      'TEMPLATE_VARIABLES_MISSING',
      `${what} uses variables the data lacks: ${paths.join(', ')}`,
      {
        errors: paths.map((path) => ({
          field: `data.${path}`,
          message: `${path} is used by the template but missing from data`,
        })),
        missing: paths,
      },
    );
  }
  const body = output.get(fields.body) ?? '';
  const whatsapp =
    channel === 'whatsapp' && content.whatsapp
      ? {
          name: content.whatsapp.name,
          language: content.whatsapp.language,
          parameters: content.whatsapp.parameters.map((_, i) =>
            oneLine(output.get(`${fields.parameters}.${i}`) ?? ''),
          ),
          ...(content.whatsapp.contentSid ? { contentSid: content.whatsapp.contentSid } : {}),
        }
      : null;
  if (channel === 'email') {
    const subject = output.get(fields.subject);
    return {
      subject: subject === undefined ? null : oneLine(subject),
      text: htmlToText(body),
      html: body.trim(),
      whatsapp: null,
    };
  }
  return { subject: null, text: body.trim(), html: null, whatsapp };
}
