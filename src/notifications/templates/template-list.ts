import { ProblemException } from '../../platform/http/problem';
import { CHANNELS, type Channel } from '../channels';
import { BUILTIN_TEMPLATES, BuiltinTemplate } from './builtin-templates';
import { Template } from './template.entity';
import { LOCALE, TEMPLATE_KEY } from './templates.dto';

/**
 * `GET /v1/templates` lists the workspace's templates and the built-ins together; built-ins have
 * no id, so the list is ordered by (key, channel, locale) and a cursor is such a position. Strings
 * compare by code unit, as PostgreSQL's "C" collation does.
 */
export type Position = [key: string, channel: Channel, locale: string];

export const positionOf = (t: Pick<Template, 'key' | 'channel' | 'locale'>): Position => [
  t.key,
  t.channel,
  t.locale,
];

function compare(a: Position, b: Position): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/**
 * The workspace's newest versions (sorted, all after `after`) with the built-ins after `after`
 * that none of them overrides, in order. Callers take the first `limit + 1` of `limit + 1` rows
 * fetched: when the rows were cut short, every built-in after the last row falls outside those,
 * and a built-in within them is overridden, if at all, by a row that was fetched.
 */
export function mergeWithBuiltins(
  own: Template[],
  after: Position | null,
): Array<Template | BuiltinTemplate> {
  const byPosition = new Map<string, Template | BuiltinTemplate>();
  for (const builtin of BUILTIN_TEMPLATES) {
    if (!after || compare(positionOf(builtin), after) > 0)
      byPosition.set(positionOf(builtin).join('\n'), builtin);
  }
  for (const row of own) byPosition.set(positionOf(row).join('\n'), row);
  return [...byPosition.values()].sort((a, b) => compare(positionOf(a), positionOf(b)));
}

/** A `templates` row as raw SQL answers it (snake_case columns). */
export interface RawTemplate {
  id: string;
  workspace_id: string;
  key: string;
  channel: Channel;
  locale: string;
  version: number;
  subject: string | null;
  body: string;
  whatsapp: Template['whatsapp'];
  created_at: Date;
}

export function fromRaw(raw: RawTemplate): Template {
  return Object.assign(new Template(), {
    id: raw.id,
    workspaceId: raw.workspace_id,
    key: raw.key,
    channel: raw.channel,
    locale: raw.locale,
    version: raw.version,
    subject: raw.subject,
    body: raw.body,
    whatsapp: raw.whatsapp,
    createdAt: raw.created_at,
  });
}

export function encodeTemplateCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeTemplateCursor(cursor: string): Position {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    TEMPLATE_KEY.test(value[0]) &&
    (CHANNELS as readonly unknown[]).includes(value[1]) &&
    typeof value[2] === 'string' &&
    LOCALE.test(value[2])
  ) {
    return value as Position;
  }
  throw new ProblemException('VALIDATION_FAILED', 'Invalid cursor', {
    errors: [{ field: 'cursor', message: 'cursor is not one this API returned' }],
  });
}
