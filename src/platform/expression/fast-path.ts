/**
 * The plain mappings that run for every message (`event.data.phone`, `contact.name ??
 * event.data.name`, `{"tags": $append(["lead"], $c ? ["utm:" & $c] : [])}`) evaluated as plain
 * synchronous JavaScript compiled from jsonata's own syntax tree, with jsonata's semantics for
 * that subset: property paths over objects, literals, object and array constructors, `??`, `?:`,
 * `&`, `=`, `!=`, `and`, `or`, blocks with `$name :=` bindings, `$exists` and `$append`.
 *
 * jsonata's evaluator awaits every step, and a three-field mapping allocated ~40 KB of promises
 * and generators (measured in e2e: a third of the bytes a message allocated). The subset needs
 * none of that; it cannot loop, so it needs no time box either.
 *
 * Whatever leaves the subset at run time (an array in the middle of a path, where jsonata maps
 * over it; a number to concatenate; a variable that is a function) bails out, and the caller
 * evaluates the expression with jsonata as before: the fast path answers only where its answer
 * is jsonata's (checked side by side in fast-path.spec.ts).
 */

/** Thrown (one shared instance, its stack taken once) when a value leaves the subset. */
class OutsideSubset extends Error {}
const BAIL = new OutsideSubset('outside the fast path: jsonata evaluates it');
/** What Frame.lookup answers for a name no frame binds. */
const NOT_BOUND: unique symbol = Symbol('not bound');

class Frame {
  private readonly vars = new Map<string, unknown>();

  constructor(private readonly parent: Frame | null) {}

  bind(name: string, value: unknown): void {
    this.vars.set(name, value);
  }

  /** The bound value, or NOT_BOUND when no frame binds the name. */
  lookup(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    return this.parent ? this.parent.lookup(name) : NOT_BOUND;
  }
}

interface Scope {
  /** The context value (`$`). */
  input: unknown;
  /** The expression's input (`$$`). */
  root: unknown;
  frame: Frame;
  bindings: Record<string, unknown>;
}

type Node = (scope: Scope) => unknown;

/** A compiled expression: its value for (input, bindings), or `undefined` when jsonata must answer. */
export type FastExpression = (
  input: unknown,
  bindings: Record<string, unknown>,
) => { value: unknown } | undefined;

/** Compiles jsonata's syntax tree (`expression.ast()`) when it stays inside the subset; null otherwise. */
export function compileFast(ast: unknown): FastExpression | null {
  let node: Node | null;
  try {
    node = compile(ast);
  } catch {
    return null; // a tree nested past the stack: jsonata's, with its own depth limit
  }
  if (!node) return null;
  const run = node;
  return (input, bindings) => {
    if (Array.isArray(input)) return undefined; // jsonata wraps an array input in a sequence
    try {
      return { value: run({ input, root: input, frame: new Frame(null), bindings }) };
    } catch {
      // BAIL, or the stack (a deep tree): the subset has no failures of its own, so jsonata
      // answers, with its DEPTH and TIMEOUT limits.
      return undefined;
    }
  };
}

type Ast = Record<string, unknown>;

const isAst = (v: unknown): v is Ast => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Only the properties this compiler understands (or left undefined): a step with a filter, a group or a focus is jsonata's. */
function only(ast: Ast, ...keys: string[]): boolean {
  return Object.keys(ast).every(
    (k) => k === 'type' || k === 'position' || keys.includes(k) || ast[k] === undefined,
  );
}

function compile(ast: unknown): Node | null {
  if (!isAst(ast)) return null;
  switch (ast.type) {
    case 'string':
    case 'number':
    case 'value':
      return only(ast, 'value') ? literal(ast.value) : null;
    case 'path':
      return only(ast, 'steps') ? path(ast.steps) : null;
    case 'variable':
      return only(ast, 'value') && typeof ast.value === 'string' ? variable(ast.value) : null;
    case 'condition':
      return only(ast, 'condition', 'then', 'else') ? condition(ast) : null;
    case 'binary':
      return only(ast, 'value', 'lhs', 'rhs') ? binary(ast) : null;
    case 'unary':
      if (ast.value === '{' && only(ast, 'value', 'lhs')) return object(ast.lhs);
      if (ast.value === '[' && only(ast, 'value', 'expressions')) return array(ast.expressions);
      return null;
    case 'block':
      return only(ast, 'expressions') ? block(ast.expressions) : null;
    case 'function':
      return only(ast, 'value', 'arguments', 'procedure') ? call(ast) : null;
    default:
      return null;
  }
}

function compileAll(asts: unknown): Node[] | null {
  if (!Array.isArray(asts)) return null;
  const nodes = asts.map(compile);
  return nodes.every((n): n is Node => n !== null) ? nodes : null;
}

function literal(value: unknown): Node | null {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return () => value;
}

/** A value jsonata treats as a function (its own lambdas are objects flagged so). */
function isFunctionLike(v: unknown): boolean {
  if (typeof v === 'function') return true;
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return o._jsonata_function === true || o._jsonata_lambda === true;
}

/** A value the subset passes on as it is: JSON values, without jsonata's sequences or functions. */
function checked(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) throw BAIL;
  if (isFunctionLike(v)) throw BAIL;
  return v;
}

/** `name`: the own property of an object; nothing for anything else; an array maps in jsonata. */
function field(value: unknown, name: string): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || isFunctionLike(value)) throw BAIL;
  if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, name))
    return undefined;
  return checked((value as Record<string, unknown>)[name]);
}

function path(stepsAst: unknown): Node | null {
  if (!Array.isArray(stepsAst) || stepsAst.length === 0) return null;
  const steps = stepsAst as unknown[];
  const names: string[] = [];
  let first: Node | null = null;
  for (const [i, step] of steps.entries()) {
    if (!isAst(step) || !only(step, 'value') || typeof step.value !== 'string') return null;
    if (step.type === 'name') names.push(step.value);
    else if (step.type === 'variable' && i === 0) first = variable(step.value);
    else return null;
  }
  if (first) {
    const start = first;
    return (scope) => names.reduce(field, start(scope));
  }
  return (scope) => names.reduce(field, scope.input);
}

function variable(name: string): Node {
  if (name === '') return (scope) => scope.input;
  if (name === '$') return (scope) => scope.root;
  return (scope) => {
    let value = scope.frame.lookup(name);
    if (value === NOT_BOUND) {
      if (!Object.prototype.hasOwnProperty.call(scope.bindings, name)) throw BAIL; // a built-in, or unbound
      value = scope.bindings[name];
    }
    if (Array.isArray(value)) throw BAIL; // could be one of jsonata's sequences
    return checked(value);
  };
}

/** jsonata's $boolean, for the values the subset yields; undefined for nothing. */
function truth(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'boolean') return v;
  if (v === null) return false;
  throw BAIL; // arrays and objects: jsonata's rules for them are not worth repeating here
}

function condition(ast: Ast): Node | null {
  const test = compile(ast.condition);
  const then = compile(ast.then);
  const otherwise = ast.else === undefined ? () => undefined : compile(ast.else);
  if (!test || !then || !otherwise) return null;
  return (scope) => (truth(test(scope)) ? then(scope) : otherwise(scope));
}

/** jsonata's $string for the operands of `&` the subset handles. */
function text(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'number' && Number.isFinite(v))
    return JSON.stringify(Number.isInteger(v) ? v : Number(v.toPrecision(15)));
  throw BAIL;
}

function primitive(v: unknown): unknown {
  if (typeof v === 'object' && v !== null) throw BAIL; // deep equality: jsonata's
  return v;
}

function binary(ast: Ast): Node | null {
  const lhs = compile(ast.lhs);
  const rhs = compile(ast.rhs);
  if (!lhs || !rhs) return null;
  switch (ast.value) {
    case '&':
      return (scope) => text(lhs(scope)) + text(rhs(scope));
    case '=':
    case '!=': {
      const equal = ast.value === '=';
      return (scope) => {
        const l = primitive(lhs(scope));
        const r = primitive(rhs(scope));
        if (l === undefined || r === undefined) return false;
        return (l === r) === equal;
      };
    }
    case 'and':
      return (scope) => (truth(lhs(scope)) ?? false) && (truth(rhs(scope)) ?? false);
    case 'or':
      return (scope) => (truth(lhs(scope)) ?? false) || (truth(rhs(scope)) ?? false);
    default:
      return null;
  }
}

function object(pairsAst: unknown): Node | null {
  if (!Array.isArray(pairsAst)) return null;
  const keys: string[] = [];
  const values: Node[] = [];
  for (const pair of pairsAst as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) return null;
    const [keyAst, valueAst] = pair as [unknown, unknown];
    // A literal key, once: a computed or repeated one is jsonata's (grouping, error D1009).
    if (
      !isAst(keyAst) ||
      keyAst.type !== 'string' ||
      !only(keyAst, 'value') ||
      typeof keyAst.value !== 'string'
    ) {
      return null;
    }
    if (keys.includes(keyAst.value) || keyAst.value.startsWith('_jsonata_')) return null;
    const value = compile(valueAst);
    if (!value) return null;
    keys.push(keyAst.value);
    values.push(value);
  }
  return (scope) => {
    const result: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const v = values[i](scope);
      if (v !== undefined) result[keys[i]] = v;
    }
    return result;
  };
}

function array(itemsAst: unknown): Node | null {
  const items = compileAll(itemsAst);
  if (!items) return null;
  const nested = (itemsAst as Ast[]).map((a) => a.type === 'unary' && a.value === '[');
  return (scope) => {
    const result: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = items[i](scope);
      if (v === undefined) continue;
      if (Array.isArray(v) && !nested[i]) for (const item of v) result.push(item);
      else result.push(v);
    }
    return result;
  };
}

/** A block's expressions, run in turn; only here may a `$name :=` bind (jsonata runs an object's values at once). */
function block(expressionsAst: unknown): Node | null {
  if (!Array.isArray(expressionsAst)) return null;
  const expressions = (expressionsAst as unknown[]).map((e) =>
    isAst(e) && e.type === 'bind' ? bind(e) : compile(e),
  );
  if (!expressions.every((n): n is Node => n !== null)) return null;
  return (scope) => {
    const inner: Scope = { ...scope, frame: new Frame(scope.frame) };
    let result: unknown;
    for (const e of expressions) result = e(inner);
    return result;
  };
}

function bind(ast: Ast): Node | null {
  if (!only(ast, 'value', 'lhs', 'rhs')) return null;
  const target = ast.lhs;
  const value = compile(ast.rhs);
  if (!value || !isAst(target) || target.type !== 'variable' || typeof target.value !== 'string') return null;
  const name = target.value;
  return (scope) => {
    const v = value(scope);
    scope.frame.bind(name, v);
    return v;
  };
}

/** `$exists(x)` (what `??` is made of) and `$append(a, b)`, when neither name is rebound. */
function call(ast: Ast): Node | null {
  const procedure = ast.procedure;
  const args = compileAll(ast.arguments);
  if (!args || !isAst(procedure) || procedure.type !== 'variable' || !only(procedure, 'value')) return null;
  const name = procedure.value;
  if (typeof name !== 'string') return null;
  const builtin = (scope: Scope) => {
    if (
      scope.frame.lookup(name) !== NOT_BOUND ||
      Object.prototype.hasOwnProperty.call(scope.bindings, name)
    ) {
      throw BAIL;
    }
  };
  if (name === 'exists' && args.length === 1) {
    const [arg] = args;
    return (scope) => {
      builtin(scope);
      return arg(scope) !== undefined;
    };
  }
  if (name === 'append' && args.length === 2) {
    const [a, b] = args;
    return (scope) => {
      builtin(scope);
      const x = a(scope);
      const y = b(scope);
      if (x === undefined) return y;
      if (y === undefined) return x;
      return (Array.isArray(x) ? x : [x]).concat(Array.isArray(y) ? y : [y]);
    };
  }
  return null;
}
