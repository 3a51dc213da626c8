import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FilterImplOptions, Liquid, Template as ParsedTemplate } from 'liquidjs';
import { LruCache } from '../../platform/cache/lru';
import { offsetMinutes } from '../../platform/zoned-time';
import {
  compileFastTemplate,
  FAST_TEMPLATE_MAX_LENGTH,
  FastTemplate,
  TextFilter,
} from './template-fast-path';

/** Time zone of `date` when a template gives none (`{{ startsAt | date: '%H:%M', 'America/Manaus' }}` does). */
export const DEFAULT_TIME_ZONE = 'America/Sao_Paulo';
const PARSED_CACHE_SIZE = 1_000;
type FilterHandler = Extract<FilterImplOptions, (...args: never[]) => unknown>;
/**
 * Whoever writes a template must not be able to stall a worker or fill its memory. LiquidJS
 * measures `renderLimit` in wall-clock time, so it also counts the time a busy host does not give
 * the process: at 250 ms a 5 ms render failed real sends as TEMPLATE_INVALID on a loaded 2-core
 * machine. Two seconds still stops a runaway loop, and is far beyond any scheduling delay.
 */
export const RENDER_LIMITS = { parseLimit: 1_000_000, renderLimit: 2_000, memoryLimit: 10_000_000 };

export interface RenderMode {
  /** HTML output (e-mail bodies): every `{{ }}` is HTML-escaped, and `raw` does not exist. */
  html: boolean;
}

/** The source does not parse (bad syntax, unknown filter or tag); one message per problem. */
export class TemplateSyntaxError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join('; '));
    this.name = 'TemplateSyntaxError';
  }
}

/** The data lacks variables the template uses: every one of them, as dot paths (`customer.name`). */
export class MissingVariablesError extends Error {
  constructor(readonly variables: string[]) {
    super(`missing variables: ${variables.join(', ')}`);
    this.name = 'MissingVariablesError';
  }
}

/** Rendering failed for another reason (a limit exceeded, a filter failing on its input). */
export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

/**
 * Currency formatters by code: building an Intl formatter costs ~0.5 ms, using one a few
 * microseconds (a thousand notifications with a date spent 3.5 s of CPU building them, see the
 * `date` filter below). Bounded, as codes come from templates.
 */
const currencies = new LruCache<string, Intl.NumberFormat>(200);

/** `1234.5` → `R$ 1.234,50` (an amount in reais; `money: 'USD'` for another currency). */
function money(value: unknown, currency: unknown = 'BRL'): unknown {
  const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return value;
  const code = typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'BRL';
  let format = currencies.get(code);
  if (!format)
    currencies.set(code, (format = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: code })));
  // Intl puts a no-break space after the symbol; a plain one reads the same in SMS and WhatsApp.
  return format.format(amount).replace(/\s/g, ' ');
}

/** The instant LiquidJS's `date` reads from its input (`now`, epoch seconds, a date string). */
function instantOf(value: unknown): Date | undefined {
  if (value === 'now' || value === 'today') return new Date();
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') return new Date(/^\d+$/.test(value) ? Number(value) * 1000 : value);
  return value instanceof Date ? value : undefined;
}

/**
 * LiquidJS's `date` given the zone as minutes: with a zone name it builds two Intl formatters per
 * call (`toLocaleString` with a `timeZone`). Same output, with the zone's offset at that instant
 * from the cached formatters of `zoned-time`; a zone name the template gives
 * (`date: '%H:%M', 'America/Manaus'`) too, and an unknown one still fails the render.
 */
function fastZones(builtin: FilterHandler): FilterHandler {
  return function (
    this: ThisParameterType<FilterHandler>,
    value: unknown,
    format?: unknown,
    zone?: unknown,
  ): unknown {
    const name = zone ?? DEFAULT_TIME_ZONE;
    const at = typeof name === 'string' ? instantOf(value) : undefined;
    // LiquidJS counts minutes west of UTC (São Paulo: 180).
    const offset = at && !Number.isNaN(at.getTime()) ? -offsetMinutes(at, name as string) : zone;
    return builtin.call(this, value, format, offset);
  };
}

/** `Maria da Silva` → `Maria`. */
function firstName(value: unknown): unknown {
  return typeof value === 'string' ? (value.trim().split(/\s+/)[0] ?? '') : value;
}

/** The filters a text template's fast path may call: Ponte's own, of one string. */
export const FAST_FILTERS: Record<string, TextFilter> = { first_name: firstName };

function createEngine(html: boolean): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    // `{% if x %}` and `| default:` may test data that is absent without failing the render.
    lenientIf: true,
    strictFilters: true,
    // Every failure of a render at once, so that all missing variables are named in one answer.
    catchAllErrors: true,
    // `{{ name.constructor }}` and friends do not reach JavaScript internals.
    ownPropertyOnly: true,
    // No file system: `include`, `render` and `layout` find nothing.
    templates: {},
    timezoneOffset: DEFAULT_TIME_ZONE,
    locale: 'pt-BR',
    dateFormat: '%d/%m/%Y %H:%M',
    outputEscape: html ? 'escape' : undefined,
    ...RENDER_LIMITS,
  });
  engine.registerFilter('money', money);
  engine.registerFilter('date', fastZones(engine.filters.date as FilterHandler));
  engine.registerFilter('first_name', firstName);
  if (html) {
    // Escaping is automatic: `| escape` would escape twice, and `| raw` would let data in unescaped.
    engine.registerFilter('escape', (v: unknown) => v);
    engine.unregisterFilter('raw');
  }
  return engine;
}

interface LiquidLikeError {
  name?: string;
  message: string;
  errors?: unknown[];
  originalError?: { message?: string };
}

/** LiquidErrors nest (a loop inside a loop): the leaves, in order. */
function leaves(err: unknown): LiquidLikeError[] {
  const e = err as LiquidLikeError;
  if (Array.isArray(e?.errors) && e.errors.length) return e.errors.flatMap(leaves);
  return [e];
}

const UNDEFINED = /^undefined variable: (.+)$/;

/**
 * LiquidJS with Ponte's rules: strict variables (a missing one fails the render, all of them are
 * listed), lenient `if`, strict filters, HTML-escaped output for HTML, `date` in São Paulo time,
 * pt-BR filters (`money`, `first_name`), parsed templates kept in a bounded LRU.
 */
@Injectable()
export class TemplateRenderer {
  private readonly engines = { text: createEngine(false), html: createEngine(true) };
  private readonly parsed = new LruCache<string, ParsedTemplate[]>(PARSED_CACHE_SIZE);
  /** Short text sources by themselves (no digest to compute): their fast path, or null. */
  private readonly fast = new LruCache<string, FastTemplate | null>(PARSED_CACHE_SIZE);

  /** Renders `source` with `data`; throws TemplateSyntaxError, MissingVariablesError or TemplateRenderError. */
  render(source: string, data: Record<string, unknown>, mode: RenderMode): string {
    const fast = mode.html ? undefined : this.fastOf(source)?.(data);
    if (fast !== undefined) return fast;
    const engine = mode.html ? this.engines.html : this.engines.text;
    const template = this.parse(source, mode);
    try {
      return String(engine.renderSync(template, data));
    } catch (err) {
      const failures = leaves(err);
      const missing = new Set<string>();
      const others: string[] = [];
      for (const failure of failures) {
        const path =
          failure.name === 'UndefinedVariableError' && UNDEFINED.exec(failure.originalError?.message ?? '');
        if (path) missing.add(path[1]);
        else others.push(failure.message);
      }
      // Missing data explains the other failures often enough (a filter on an absent value).
      if (missing.size) throw new MissingVariablesError([...missing]);
      throw new TemplateRenderError(others.join('; ') || String(err));
    }
  }

  /** Parse errors of `source` (empty when it parses), for checking a template when it is saved. */
  check(source: string, mode: RenderMode): string[] {
    try {
      this.parse(source, mode);
      return [];
    } catch (err) {
      if (err instanceof TemplateSyntaxError) return err.messages;
      throw err;
    }
  }

  private fastOf(source: string): FastTemplate | null {
    if (source.length > FAST_TEMPLATE_MAX_LENGTH) return null;
    let fast = this.fast.get(source);
    if (fast === undefined) this.fast.set(source, (fast = compileFastTemplate(source, FAST_FILTERS)));
    return fast;
  }

  private parse(source: string, mode: RenderMode): ParsedTemplate[] {
    // A parsed template belongs to its engine (escaping is decided at parse time). Keyed by a
    // digest so that the cache does not hold a second copy of every source.
    const key = `${mode.html ? 'h' : 't'}:${createHash('sha256').update(source).digest('base64url')}`;
    const hit = this.parsed.get(key);
    if (hit) return hit;
    let template: ParsedTemplate[];
    try {
      template = (mode.html ? this.engines.html : this.engines.text).parse(source);
    } catch (err) {
      throw new TemplateSyntaxError(leaves(err).map((e) => e.message));
    }
    this.parsed.set(key, template);
    return template;
  }
}
