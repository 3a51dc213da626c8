import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { LruCache } from '../../platform/cache/lru';
import { Clock } from '../../platform/clock';
import { Page, PageQuery } from '../../platform/http/pagination';
import { FieldError, notFound, ProblemException } from '../../platform/http/problem';
import { Principal } from '../../platform/http/principal';
import { CHANNELS, type Channel, type RenderedContent } from '../channels';
import { BUILTIN_KEYS, BuiltinTemplate, builtinsOf, findBuiltin } from './builtin-templates';
import { checkContent, invalidTemplate, renderContent, TemplateContent } from './rendered-content';
import { Template } from './template.entity';
import { TemplateRenderer } from './template-renderer';
import {
  CreateTemplateDto,
  DEFAULT_LOCALE,
  PreviewTemplateDto,
  TemplateDetailView,
  TemplateVariantView,
  TemplateView,
} from './templates.dto';
import {
  decodeTemplateCursor,
  encodeTemplateCursor,
  fromRaw,
  mergeWithBuiltins,
  positionOf,
  RawTemplate,
} from './template-list';
import { NotificationsProblem } from '../notifications.problems';

/** Namespace of the version-numbering advisory locks (two-key locks never meet one-key ones). */
const VERSION_LOCK = 0x74706c74;
/** How long a process trusts the template it resolved: another instance's new version shows within this. */
const RESOLVED_TTL_MS = 5_000;
const RESOLVED_CACHE_SIZE = 10_000;
/** Earlier versions shown per variant by `get`. */
const VERSIONS_SHOWN = 20;

/** What sending uses for (key, channel, locale): the newest version, else the built-in. */
type Resolved = TemplateContent & { key: string; channel: Channel; locale: string };

export function toView(t: Template | BuiltinTemplate): TemplateView {
  const own = t instanceof Template;
  return {
    id: own ? t.id : null,
    key: t.key,
    channel: t.channel,
    locale: t.locale,
    version: own ? t.version : 0,
    subject: t.subject,
    body: t.body,
    whatsapp: t.whatsapp,
    builtIn: !own,
    createdAt: own ? t.createdAt.toISOString() : null,
  };
}

@Injectable()
export class TemplatesService {
  /** Per (workspace, key, channel), then per locale asked: a create drops every locale at once. */
  private readonly resolvedCache = new LruCache<
    string,
    Map<string, { resolved: Resolved | null; expiresAt: number }>
  >(RESOLVED_CACHE_SIZE);
  /** Bumped by every create, so that a lookup that started before it does not cache what it replaced. */
  private generation = 0;
  /**
   * Lookups under way, shared: a bulk of 1,000 sends on a cold cache asks once, instead of queueing
   * 1,000 lookups for the pool (which, on a loaded host, outwaited the pool's timeout as a 503).
   */
  private readonly resolving = new Map<string, Promise<Resolved | null>>();

  constructor(
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    private readonly renderer: TemplateRenderer,
    private readonly clock: Clock,
  ) {}

  async create(caller: Principal, dto: CreateTemplateDto): Promise<TemplateView> {
    const locale = dto.locale ?? DEFAULT_LOCALE;
    const content: TemplateContent = {
      subject: dto.subject ?? null,
      body: dto.body,
      whatsapp: dto.whatsapp
        ? {
            name: dto.whatsapp.name,
            language: dto.whatsapp.language,
            parameters: dto.whatsapp.parameters,
            ...(dto.whatsapp.contentSid ? { contentSid: dto.whatsapp.contentSid } : {}),
          }
        : null,
    };
    const misplaced: FieldError[] = [];
    if (dto.channel === 'email' && content.subject === null)
      misplaced.push({ field: 'subject', message: 'subject is required for email' });
    if (dto.channel !== 'email' && content.subject !== null)
      misplaced.push({ field: 'subject', message: 'subject is only for email' });
    if (dto.channel !== 'whatsapp' && content.whatsapp)
      misplaced.push({ field: 'whatsapp', message: 'whatsapp is only for channel whatsapp' });
    if (misplaced.length)
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: misplaced,
      });
    const errors = checkContent(this.renderer, dto.channel, content);
    if (errors.length) throw invalidTemplate(`Template "${dto.key}" (${dto.channel}, ${locale})`, errors);

    const { workspaceId } = caller;
    const row = await this.templates.manager.transaction(async (tx) => {
      // Creates of one (key, channel, locale) queue here, so each reads the highest version only
      // after the one before it committed: concurrent creates get consecutive versions.
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        VERSION_LOCK,
        `${workspaceId}/${dto.key}/${dto.channel}/${locale}`,
      ]);
      const latest = await tx
        .createQueryBuilder(Template, 't')
        .select('max(t.version)', 'max')
        .where(
          't.workspaceId = :workspaceId AND t.key = :key AND t.channel = :channel AND t.locale = :locale',
          {
            workspaceId,
            key: dto.key,
            channel: dto.channel,
            locale,
          },
        )
        .getRawOne<{ max: number | null }>();
      const created = tx.create(Template, {
        id: uuidv7(),
        workspaceId,
        key: dto.key,
        channel: dto.channel,
        locale,
        version: (latest?.max ?? 0) + 1,
        ...content,
        createdAt: this.clock.now(),
      });
      await tx.insert(Template, created);
      return created;
    });
    this.generation++;
    this.resolving.clear();
    // Every locale: a lookup in another locale may have fallen back to this one.
    this.resolvedCache.delete(cacheKey(workspaceId, dto.key, dto.channel));
    return toView(row);
  }

  /**
   * The newest version of each (key, channel, locale) of the workspace, and the built-ins it does
   * not override, sorted by key, channel and locale; the cursor is a position in that order.
   */
  async list(caller: Principal, query: PageQuery): Promise<Page<TemplateView>> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeTemplateCursor(query.cursor) : null;
    const params: unknown[] = [caller.workspaceId, limit + 1];
    let where = 'workspace_id = $1';
    if (after) {
      params.push(...after);
      where += ' AND (key COLLATE "C", channel COLLATE "C", locale COLLATE "C") > ($3, $4, $5)';
    }
    const rows: RawTemplate[] = await this.templates.query(
      `SELECT DISTINCT ON (key COLLATE "C", channel COLLATE "C", locale COLLATE "C") * FROM templates
       WHERE ${where} ORDER BY key COLLATE "C", channel COLLATE "C", locale COLLATE "C", version DESC LIMIT $2`,
      params,
    );
    const items = mergeWithBuiltins(rows.map(fromRaw), after).slice(0, limit + 1);
    const page = items.slice(0, limit);
    return {
      data: page.map(toView),
      nextCursor: items.length > limit ? encodeTemplateCursor(positionOf(page[page.length - 1])) : null,
    };
  }

  async get(caller: Principal, key: string): Promise<TemplateDetailView> {
    const rows: RawTemplate[] = await this.templates.query(
      `SELECT * FROM (SELECT t.*, row_number() OVER (PARTITION BY channel, locale ORDER BY version DESC) AS rn
         FROM templates t WHERE workspace_id = $1 AND key = $2) v
       WHERE rn <= $3 ORDER BY channel, locale, version DESC`,
      [caller.workspaceId, key, VERSIONS_SHOWN + 1],
    );
    const variants = new Map<string, TemplateVariantView>();
    for (const row of rows.map(fromRaw)) {
      const id = `${row.channel}/${row.locale}`;
      const variant = variants.get(id);
      if (variant) variant.versions.push(toView(row));
      else variants.set(id, { ...toView(row), versions: [] });
    }
    for (const builtin of builtinsOf(key)) {
      const variant = variants.get(`${builtin.channel}/${builtin.locale}`);
      if (variant) variant.versions.push(toView(builtin));
      else variants.set(`${builtin.channel}/${builtin.locale}`, { ...toView(builtin), versions: [] });
    }
    if (!variants.size) throw notFound('Template');
    const order = (v: TemplateVariantView) => CHANNELS.indexOf(v.channel);
    return {
      key,
      variants: [...variants.values()].sort(
        (a, b) => order(a) - order(b) || (a.locale < b.locale ? -1 : a.locale > b.locale ? 1 : 0),
      ),
    };
  }

  /** Renders what sending would, with the caller's data; 404 when the key names no template at all. */
  async preview(caller: Principal, key: string, dto: PreviewTemplateDto): Promise<RenderedContent> {
    const locale = dto.locale ?? DEFAULT_LOCALE;
    const resolved = await this.resolve(caller.workspaceId, key, dto.channel, locale);
    if (!resolved) {
      const any = await this.templates.exists({ where: { workspaceId: caller.workspaceId, key } });
      if (!any && !builtinsOf(key).length) throw notFound('Template');
      throw templateNotFound(key, dto.channel, locale);
    }
    return renderContent(this.renderer, dto.channel, resolved, dto.data ?? {}, named(resolved));
  }

  /**
   * For sending: the newest version of (key, channel, locale) of the workspace, else the built-in,
   * else the same in pt-BR, rendered with `data`. Throws 422 TEMPLATE_NOT_FOUND or
   * TEMPLATE_VARIABLES_MISSING (every missing variable listed). Lookups are cached for 5 s per
   * process (a create in this process is seen at once).
   */
  async render(
    workspaceId: string,
    key: string,
    channel: Channel,
    data: Record<string, unknown>,
    locale: string = DEFAULT_LOCALE,
  ): Promise<RenderedContent> {
    const resolved = await this.cachedResolve(workspaceId, key, channel, locale);
    if (!resolved) throw templateNotFound(key, channel, locale);
    return renderContent(this.renderer, channel, resolved, data, named(resolved));
  }

  /** For sending inline content: the same rules as templates; parse errors name `content.body`. */
  renderInline(
    channel: Channel,
    content: { subject?: string; body: string },
    data: Record<string, unknown>,
  ): RenderedContent {
    const inline: TemplateContent = { subject: content.subject ?? null, body: content.body, whatsapp: null };
    const fields = { subject: 'content.subject', body: 'content.body', parameters: 'content.parameters' };
    return renderContent(this.renderer, channel, inline, data, `Inline content (${channel})`, fields);
  }

  /** Whether `key` names a built-in template or one of the workspace's own. */
  async exists(workspaceId: string, key: string): Promise<boolean> {
    if (BUILTIN_KEYS.includes(key)) return true;
    return this.templates.exists({ where: { workspaceId, key } });
  }

  private async cachedResolve(workspaceId: string, key: string, channel: Channel, locale: string) {
    const id = cacheKey(workspaceId, key, channel);
    const now = this.clock.nowMs();
    const hit = this.resolvedCache.get(id)?.get(locale);
    if (hit && hit.expiresAt > now) return hit.resolved;
    const flight = `${id}\n${locale}`;
    const pending = this.resolving.get(flight);
    if (pending) return pending;
    const generation = this.generation;
    const lookup = this.resolve(workspaceId, key, channel, locale)
      .then((resolved) => {
        if (generation === this.generation) {
          const locales = this.resolvedCache.get(id) ?? new Map();
          locales.set(locale, { resolved, expiresAt: now + RESOLVED_TTL_MS });
          this.resolvedCache.set(id, locales);
        }
        return resolved;
      })
      .finally(() => {
        if (this.resolving.get(flight) === lookup) this.resolving.delete(flight);
      });
    this.resolving.set(flight, lookup);
    return lookup;
  }

  private async resolve(
    workspaceId: string,
    key: string,
    channel: Channel,
    locale: string,
  ): Promise<Resolved | null> {
    for (const l of locale === DEFAULT_LOCALE ? [locale] : [locale, DEFAULT_LOCALE]) {
      const own = await this.templates.findOne({
        where: { workspaceId, key, channel, locale: l },
        order: { version: 'DESC' },
      });
      const found = own ?? findBuiltin(key, channel, l);
      if (found) {
        const { subject, body, whatsapp } = found;
        return { key, channel, locale: l, subject, body, whatsapp };
      }
    }
    return null;
  }
}

const cacheKey = (workspaceId: string, key: string, channel: Channel) => `${workspaceId}/${key}/${channel}`;

const named = (r: Resolved) => `Template "${r.key}" (${r.channel}, ${r.locale})`;

function templateNotFound(key: string, channel: Channel, locale: string): ProblemException {
  return new NotificationsProblem(
    'TEMPLATE_NOT_FOUND',
    `No template "${key}" for channel ${channel} (locale ${locale})`,
    {
      key,
      channel,
    },
  );
}
