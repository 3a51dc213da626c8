import { CronExpressionParser } from 'cron-parser';
import { CHANNELS } from '../notifications/channels';
import { compileExpression, ExpressionError } from '../platform/expression/expression';
import type { FieldError } from '../platform/http/problem';
import { parseDuration } from './iso-duration';

export const DEFAULT_TIMEZONE = 'America/Sao_Paulo';
/** Events emitted by workflows carry their depth; a step that would go deeper fails. */
export const MAX_EMIT_DEPTH = 5;

export type EventTrigger = { event: string | string[]; filter?: string };
export type ScheduleTrigger = { schedule: { cron: string; timezone?: string } };
export type Trigger = EventTrigger | ScheduleTrigger;

export interface NotifyStep {
  id: string;
  type: 'notify';
  channels: string[];
  /** JSONata → `{contactId} | {phone} | {email}` (phone and e-mail together are fine). */
  to: string;
  template: string;
  /** JSONata → the template's variables. */
  data?: string;
  category?: string;
  /** false (default): one message on each channel; true: the channels are one fallback chain. */
  fallback?: boolean;
}
export interface DelayStep {
  id: string;
  type: 'delay';
  duration?: string;
  /** JSONata → an ISO 8601 time. */
  until?: string;
}
export interface WebhookStep {
  id: string;
  type: 'webhook';
  endpointId?: string;
  url?: string;
  /** JSONata → the JSON body (default: the event's data). */
  body?: string;
}
export interface BranchStep {
  id: string;
  type: 'branch';
  if: string;
  then: Step[];
  else?: Step[];
}
export interface EmitStep {
  id: string;
  type: 'emit';
  /** Event type, e.g. `feedback.requested`. */
  event: string;
  data?: string;
}
export interface ActionStep {
  id: string;
  type: 'action';
  name: string;
  input?: string;
}
export type Step = NotifyStep | DelayStep | WebhookStep | BranchStep | EmitStep | ActionStep;

export interface CancelOn {
  event: string | string[];
  /** JSONata over `{event, trigger}`: true cancels. */
  match?: string;
}

export interface WorkflowDefinition {
  trigger: Trigger;
  steps: Step[];
  cancelOn?: CancelOn | null;
}

/** Every step of the tree, depth first, in the order they run (`then` before `else`). */
export function* allSteps(steps: Step[]): Generator<Step> {
  for (const step of steps) {
    yield step;
    if (step.type === 'branch') {
      yield* allSteps(step.then);
      yield* allSteps(step.else ?? []);
    }
  }
}

export const eventsOf = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** Every pattern that matches `type`: itself, `*` and each `prefix.*`. */
export function patternsFor(type: string): string[] {
  const parts = type.split('.');
  const prefixes = parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join('.')}.*`);
  return [type, '*', ...prefixes];
}

const STEP_FIELDS: Record<Step['type'], { required: string[]; optional: string[] }> = {
  notify: { required: ['channels', 'to', 'template'], optional: ['data', 'category', 'fallback'] },
  delay: { required: [], optional: ['duration', 'until'] },
  webhook: { required: [], optional: ['endpointId', 'url', 'body'] },
  branch: { required: ['if', 'then'], optional: ['else'] },
  emit: { required: ['event'], optional: ['data'] },
  action: { required: ['name'], optional: ['input'] },
};
const EXPRESSION_FIELDS = ['to', 'data', 'until', 'body', 'if', 'input'];
const STEP_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const EVENT_TYPE = /^(\*|[a-z0-9_]+(\.([a-z0-9_]+|\*))*)$/;
const EMIT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const CATEGORIES = ['transactional', 'marketing'];

/** What the shape check leaves for the database: template keys and endpoint ids, with their paths. */
export interface References {
  templates: Array<{ key: string; field: string }>;
  endpoints: Array<{ id: string; field: string }>;
  actions: Array<{ name: string; field: string }>;
  /** Webhook step URLs, checked against the SSRF rules on save (they are again when called). */
  urls: Array<{ url: string; field: string }>;
}

/** Shape, ids, expressions, durations and cron of a definition; references are returned to check. */
export function checkDefinition(def: WorkflowDefinition): { errors: FieldError[]; refs: References } {
  const errors: FieldError[] = [];
  const refs: References = { templates: [], endpoints: [], actions: [], urls: [] };
  const err = (field: string, message: string) => errors.push({ field, message });
  const expr = (field: string, source: unknown) => {
    if (typeof source !== 'string' || source.trim() === '') return err(field, 'must be a JSONata expression');
    try {
      compileExpression(source);
    } catch (e) {
      const at = e instanceof ExpressionError && e.position !== undefined ? ` at ${e.position}` : '';
      err(field, `invalid JSONata${at}: ${(e as Error).message}`);
    }
  };
  const eventField = (field: string, value: unknown) => {
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0 || list.some((v) => typeof v !== 'string' || !EVENT_TYPE.test(v)))
      err(field, 'must be an event type (or a list of them) such as service.completed or lead.*');
  };

  const trigger = def.trigger as Record<string, unknown> | undefined;
  if (!trigger || typeof trigger !== 'object') err('trigger', 'must be {event, filter?} or {schedule}');
  else if ('schedule' in trigger) {
    const s = trigger.schedule as { cron?: unknown; timezone?: unknown } | undefined;
    const tz = s?.timezone ?? DEFAULT_TIMEZONE;
    if (typeof s?.cron !== 'string') err('trigger.schedule.cron', 'must be a cron expression');
    else if (typeof tz !== 'string' || !validTimeZone(tz))
      err('trigger.schedule.timezone', 'unknown time zone');
    else {
      try {
        CronExpressionParser.parse(s.cron, { tz });
      } catch (e) {
        err('trigger.schedule.cron', `invalid cron: ${(e as Error).message}`);
      }
    }
  } else {
    eventField('trigger.event', trigger.event);
    if (trigger.filter !== undefined) expr('trigger.filter', trigger.filter);
  }

  if (def.cancelOn) {
    eventField('cancelOn.event', def.cancelOn.event);
    if (def.cancelOn.match !== undefined) expr('cancelOn.match', def.cancelOn.match);
  }

  const seen = new Set<string>();
  const walk = (steps: unknown, path: string) => {
    if (!Array.isArray(steps)) return err(path, 'must be a list of steps');
    steps.forEach((raw: unknown, i) => {
      const at = `${path}.${i}`;
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return err(at, 'must be a step object');
      const step = raw as Record<string, unknown>;
      if (typeof step.id !== 'string' || !STEP_ID.test(step.id))
        err(`${at}.id`, 'must be 1-64 letters, digits, - or _');
      else if (seen.has(step.id)) err(`${at}.id`, `duplicate step id "${step.id}"`);
      else seen.add(step.id);
      const fields = STEP_FIELDS[step.type as Step['type']];
      if (!fields) return err(`${at}.type`, `unknown step type "${String(step.type)}"`);
      for (const f of fields.required) if (step[f] === undefined) err(`${at}.${f}`, 'is required');
      for (const f of Object.keys(step)) {
        if (f !== 'id' && f !== 'type' && !fields.required.includes(f) && !fields.optional.includes(f))
          err(`${at}.${f}`, `is not a field of a ${String(step.type)} step`);
      }
      for (const f of EXPRESSION_FIELDS) {
        if (
          step[f] !== undefined &&
          f in step &&
          (fields.required.includes(f) || fields.optional.includes(f))
        )
          expr(`${at}.${f}`, step[f]);
      }
      checkStep(step, at, err, refs);
      if (step.type === 'branch') {
        walk(step.then, `${at}.then`);
        if (step.else !== undefined) walk(step.else, `${at}.else`);
      }
    });
  };
  walk(def.steps, 'steps');
  return { errors, refs };
}

function checkStep(
  step: Record<string, unknown>,
  at: string,
  err: (field: string, message: string) => void,
  refs: References,
): void {
  switch (step.type) {
    case 'notify': {
      const channels = step.channels;
      if (!Array.isArray(channels) || channels.length === 0 || channels.some((c) => !CHANNELS.includes(c)))
        err(`${at}.channels`, `must be a non-empty list of ${CHANNELS.join(', ')}`);
      if (typeof step.template === 'string')
        refs.templates.push({ key: step.template, field: `${at}.template` });
      else if (step.template !== undefined) err(`${at}.template`, 'must be a template key');
      if (step.category !== undefined && !CATEGORIES.includes(step.category as string))
        err(`${at}.category`, `must be one of ${CATEGORIES.join(', ')}`);
      if (step.fallback !== undefined && typeof step.fallback !== 'boolean')
        err(`${at}.fallback`, 'must be a boolean');
      return;
    }
    case 'delay':
      if ((step.duration === undefined) === (step.until === undefined))
        err(at, 'give exactly one of duration and until');
      if (step.duration !== undefined && parseDuration(step.duration) === undefined)
        err(`${at}.duration`, 'must be an ISO 8601 duration such as PT2H or P1DT30M');
      return;
    case 'webhook':
      if ((step.endpointId === undefined) === (step.url === undefined))
        err(at, 'give exactly one of endpointId and url');
      if (typeof step.endpointId === 'string')
        refs.endpoints.push({ id: step.endpointId, field: `${at}.endpointId` });
      else if (step.endpointId !== undefined) err(`${at}.endpointId`, 'must be an endpoint id');
      if (step.url !== undefined && (typeof step.url !== 'string' || !/^https?:\/\//.test(step.url)))
        err(`${at}.url`, 'must be an http(s) URL');
      else if (typeof step.url === 'string') refs.urls.push({ url: step.url, field: `${at}.url` });
      return;
    case 'emit':
      if (typeof step.event !== 'string' || !EMIT_TYPE.test(step.event))
        err(`${at}.event`, 'must be an event type such as feedback.requested');
      return;
    case 'action':
      if (typeof step.name === 'string') refs.actions.push({ name: step.name, field: `${at}.name` });
      else err(`${at}.name`, 'must be an action name');
      return;
  }
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
