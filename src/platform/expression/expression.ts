import jsonata from 'jsonata';
import { LruCache } from '../cache/lru';
import { ExpressionIsolate, IsolatedError, IsolatedOutcome } from './expression-isolate';
import { compileFast, FastExpression } from './fast-path';

/**
 * Ponte's one expression evaluator (JSONata): mappings use it today, workflows will tomorrow.
 *
 * Every evaluation is time-boxed. jsonata's evaluate is async, but its steps await promises that
 * are already settled, so a tight loop never lets a timer run and a `setTimeout` race would never
 * fire. jsonata instead calls the `__evaluate_entry` / `__evaluate_exit` hooks around every step;
 * ours count the depth and check the clock there, and throw to stop the evaluation.
 *
 * A regular expression is one native call no hook interrupts, and a backtracking one can run for
 * minutes: expressions holding a regex (or `$eval`, which may build one from data) run in a
 * worker thread that is terminated at the deadline (see ExpressionIsolate). The rest, nearly all
 * mappings, stay here, where a round trip to a worker would only cost time; one that overruns
 * the short in-process box is run again in a worker with the generous budget, so a busy machine
 * never turns a sound expression into a TIMEOUT.
 */

export const DEFAULT_TIMEOUT_MS = 100;
export const DEFAULT_MAX_DEPTH = 200;
/** Parsing costs far more than a lookup, and the same few mappings run for every delivery. */
const CACHE_SIZE = 500;
/**
 * Longest sequence an expression may build (jsonata's `sequence` option). It is checked before a
 * range is allocated, so `[1..10000000]` fails at once instead of filling 80 MB in one native loop
 * the time box cannot interrupt. Payloads are capped at 1 MB, so real data never comes near it.
 */
const MAX_SEQUENCE = 1_000_000;
/**
 * Least budget of an isolated evaluation. Generous, because the clock is the wall's and a busy
 * machine must not turn a sound expression into a TIMEOUT; the API's event loop does not wait on
 * it anyway. A runaway regex costs one worker this long, then the worker is replaced.
 */
export const ISOLATED_MIN_TIMEOUT_MS = 2_000;
/**
 * How the isolated budget turns into work: evaluation steps per millisecond of budget, as a quiet
 * machine runs them (several hundred; 78 at a load average of 19 on 2 cores). The worker counts
 * steps, so the same expression gets the same answer however busy the machine is.
 */
const STEPS_PER_BUDGET_MS = 500;

const isolate = new ExpressionIsolate(MAX_SEQUENCE);

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');
/**
 * The binding that carries one evaluation's time box. Compiled expressions are cached and shared,
 * so the box cannot live on them: it is bound in the evaluation's own environment, which jsonata
 * creates per call and which the hooks reach through `env.lookup`. Variable names end at
 * whitespace, so no expression can spell this one to read or shadow it.
 */
const TIME_BOX = ' ponte:time-box';

interface TimeBox {
  deadline: number;
  timeoutMs: number;
  depth: number;
  maxDepth: number;
}

export interface EvaluateOptions {
  /**
   * Wall-clock budget of the in-process evaluation (host bindings included); default 100 ms. Past
   * it, an evaluation without host functions gets ISOLATED_MIN_TIMEOUT_MS more in a worker.
   */
  timeoutMs?: number;
  /** Deepest nesting of evaluation steps (3 to 7 per level of recursion); default 200. */
  maxDepth?: number;
}

/** Why an expression did not compile or evaluate: jsonata's code (`S0202`...), `TIMEOUT`, `DEPTH` or `RUNTIME`. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';

  constructor(
    message: string,
    readonly code: string,
    // Writable: jsonata stamps position and token on errors that pass through its operators.
    public position?: number,
    public token?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class CompiledExpression {
  private constructor(
    readonly source: string,
    private readonly expr: jsonata.Expression,
    /** Holds a regular expression or `$eval`: evaluated in a worker thread with a hard deadline. */
    readonly isolated: boolean,
    /** The same expression as plain JavaScript, when it stays in the subset fast-path.ts knows. */
    readonly fast: FastExpression | null,
  ) {}

  /** Parses without caching; use compileExpression(). */
  static parse(source: string): CompiledExpression {
    let expr: jsonata.Expression;
    try {
      expr = jsonata(source, { sequence: MAX_SEQUENCE });
    } catch (err) {
      throw toExpressionError(err);
    }
    // The typings name bindings as strings; jsonata looks its hooks up by these symbols.
    expr.assign(ENTRY as unknown as string, enterStep);
    expr.assign(EXIT as unknown as string, leaveStep);
    const ast = expr.ast();
    return new CompiledExpression(source, expr, needsIsolation(ast), compileFast(ast));
  }

  /** Use evaluate(): it builds the time box. */
  run(input: unknown, bindings: Record<string, unknown>, box: TimeBox): Promise<unknown> {
    return this.expr.evaluate(input, { ...bindings, [TIME_BOX]: box });
  }
}

const compiled = new LruCache<string, CompiledExpression>(CACHE_SIZE);

/** Compiles `source`, or answers the cached compilation; a syntax error throws ExpressionError. */
export function compileExpression(source: string): CompiledExpression {
  let expression = compiled.get(source);
  if (!expression) {
    expression = CompiledExpression.parse(source);
    compiled.set(source, expression);
  }
  return expression;
}

/**
 * Evaluates against `input` (the expression's `$`); `bindings` become `$name` variables and
 * functions. Rejects with ExpressionError for the expression's own failures, `TIMEOUT` and
 * `DEPTH` included; an error thrown by a host binding is passed on as it is.
 */
export async function evaluate(
  expression: CompiledExpression,
  input: unknown,
  bindings: Record<string, unknown> = {},
  opts: EvaluateOptions = {},
): Promise<unknown> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!(timeoutMs > 0) || !(maxDepth > 0)) throw new RangeError('timeoutMs and maxDepth must be positive');
  // A plain mapping needs neither jsonata's awaits nor a time box (it cannot loop).
  const fast = expression.fast?.(input, bindings);
  if (fast) return fast.value;
  // Host functions cannot cross to a worker: with them, the evaluation stays here.
  const portable = !Object.values(bindings).some((b) => typeof b === 'function');
  if (expression.isolated && portable) {
    const outcome = await runIsolated(expression, input, bindings, timeoutMs, maxDepth);
    if (outcome.ok) return outcome.value;
    throw isolatedError(outcome.error);
  }
  const box: TimeBox = { deadline: performance.now() + timeoutMs, timeoutMs, depth: 0, maxDepth };
  try {
    return await expression.run(input, bindings, box);
  } catch (err) {
    const error = toExpressionError(err);
    // The box is the wall's clock, kept short because the event loop waits on it. On a busy
    // machine a sound expression can overrun it: before answering TIMEOUT, it gets the generous
    // budget in a worker, where only an expression that truly never ends still times out.
    if (!(error instanceof ExpressionError) || error.code !== 'TIMEOUT' || !portable) throw error;
    const outcome = await runIsolated(expression, input, bindings, timeoutMs, maxDepth);
    if (outcome.ok) return outcome.value;
    if (outcome.error.code !== 'TIMEOUT') throw isolatedError(outcome.error);
    // Where the box stopped it says where the loop is; the worker, killed, cannot say.
    throw new ExpressionError(outcome.error.message, 'TIMEOUT', error.position, error.token);
  }
}

const isolatedBudget = (timeoutMs: number) => Math.max(timeoutMs, ISOLATED_MIN_TIMEOUT_MS);

function runIsolated(
  expression: CompiledExpression,
  input: unknown,
  bindings: Record<string, unknown>,
  timeoutMs: number,
  maxDepth: number,
): Promise<IsolatedOutcome> {
  const budgetMs = isolatedBudget(timeoutMs);
  return isolate.run(expression.source, input, bindings, {
    maxDepth,
    budgetMs,
    maxSteps: budgetMs * STEPS_PER_BUDGET_MS,
  });
}

function isolatedError({ message, code, position, token }: IsolatedError): ExpressionError {
  return new ExpressionError(message, code, position, token);
}

/**
 * A result as plain JSON, ready to send: a function (an expression may yield a lambda, whose
 * closure is circular) becomes nothing, and nothing becomes null.
 */
export function toJson(value: unknown): unknown {
  const text = JSON.stringify(value, (_key, v: unknown) => (isFunction(v) ? undefined : v));
  return text === undefined ? null : JSON.parse(text);
}

/** True when the parsed expression holds a regex literal or names `$eval` anywhere. */
function needsIsolation(ast: unknown): boolean {
  const seen = new Set<object>();
  const visit = (node: unknown): boolean => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return false;
    seen.add(node);
    const { type, value } = node as { type?: unknown; value?: unknown };
    if (type === 'regex' || (type === 'variable' && value === 'eval')) return true;
    return Object.values(node).some(visit);
  };
  return visit(ast);
}

function enterStep(_node: unknown, _input: unknown, env: jsonata.Environment): void {
  const box = env.lookup(TIME_BOX) as TimeBox | undefined;
  if (!box) return;
  if (++box.depth > box.maxDepth) {
    throw new ExpressionError(
      `The expression nests deeper than ${box.maxDepth} steps; check for non-terminating recursion`,
      'DEPTH',
    );
  }
  if (performance.now() > box.deadline) {
    throw new ExpressionError(
      `The expression ran longer than ${box.timeoutMs} ms; check for an infinite loop`,
      'TIMEOUT',
    );
  }
}

function leaveStep(_node: unknown, _input: unknown, env: jsonata.Environment): void {
  const box = env.lookup(TIME_BOX) as TimeBox | undefined;
  if (box) box.depth--;
}

interface JsonataError {
  code: string;
  message: string;
  position?: number;
  token?: string;
  /** What stopped the expression given to `$eval` (its error is D3121, wrapping this). */
  error?: unknown;
}

function isJsonataError(err: unknown): err is JsonataError {
  return typeof err === 'object' && err !== null && /^[A-Z]\d{4}$/.test(String((err as JsonataError).code));
}

function toExpressionError(err: unknown): unknown {
  if (err instanceof ExpressionError) return err;
  if (isJsonataError(err)) {
    // `$eval` wraps whatever stopped its inner expression: a time-box stop must stay one.
    let inner: unknown = err.error;
    while (isJsonataError(inner)) inner = inner.error;
    if (inner instanceof ExpressionError) return inner;
    return new ExpressionError(err.message, err.code, err.position, err.token);
  }
  // Built-ins fail natively on absurd arguments (`$pad("x", 1e9)`: RangeError); jsonata has put
  // position and token on the error already. Any other error comes from a host binding (a
  // database outage, say), which is not the expression's fault: the caller must see it as it is.
  if (err instanceof RangeError || err instanceof TypeError) {
    const at = err as { position?: number; token?: string };
    return new ExpressionError(err.message, 'RUNTIME', at.position, at.token, { cause: err });
  }
  return err;
}

function isFunction(v: unknown): boolean {
  if (typeof v === 'function') return true;
  if (typeof v !== 'object' || v === null) return false;
  const marked = v as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return marked._jsonata_lambda === true || marked._jsonata_function === true;
}
