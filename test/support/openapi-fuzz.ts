/**
 * Requests derived from an OpenAPI document: a plausible body for each operation (from the
 * schemas' examples), then that body with one field at a time made hostile, and hostile path and
 * query values. The fuzz suite sends them all and counts the 5xx answers.
 */

type Schema = {
  $ref?: string;
  type?: string;
  example?: unknown;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

export interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string }>;
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

export interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  what: string;
}

const LONG = 'x'.repeat(300_000);
const deep = (n: number): unknown => (n === 0 ? 'bottom' : { a: deep(n - 1) });

/** Values put in place of a field, one at a time. */
export const HOSTILE_VALUES: Array<[string, unknown]> = [
  ['NUL', 'a\u0000b'],
  ['lone surrogate', 'a\ud800b'],
  ['low surrogate', '\udc00'],
  ['null', null],
  ['number', 1e21],
  ['negative', -1],
  ['boolean', true],
  ['array', []],
  ['array of junk', [null, '\u0000', {}]],
  ['object', {}],
  ['huge string', LONG],
  ['deep object', deep(25)],
  ['empty string', ''],
];

/** Text put in path and query parameters. */
export const HOSTILE_TEXT: Array<[string, string]> = [
  ['NUL', '%00'],
  ['encoded lone surrogate', '%ED%A0%80'],
  ['not a uuid', 'not-a-uuid'],
  ['unicode', encodeURIComponent('😀ção\u202e')],
  ['huge', 'y'.repeat(5000)],
  ['sql', encodeURIComponent("' OR 1=1 --")],
  ['dots', '..%2F..%2Fetc%2Fpasswd'],
];

export function exampleFor(doc: OpenApiDoc, schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  if (schema.$ref) return exampleFor(doc, resolve(doc, schema.$ref), depth + 1);
  if (schema.example !== undefined) return schema.example;
  const composite = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (composite?.length) return exampleFor(doc, composite[0], depth + 1);
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => [k, exampleFor(doc, s, depth + 1)]),
      );
    case 'array':
      return [exampleFor(doc, schema.items, depth + 1)];
    case 'string':
      return 'text';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      return undefined;
  }
}

function resolve(doc: OpenApiDoc, ref: string): Schema | undefined {
  return doc.components?.schemas?.[ref.replace('#/components/schemas/', '')];
}

/** Every field path of a value, down to `maxDepth` (objects and the first item of arrays). */
function fieldPaths(
  value: unknown,
  maxDepth = 3,
  prefix: Array<string | number> = [],
): Array<Array<string | number>> {
  if (maxDepth === 0 || value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.length
      ? [[0, value[0]]]
      : []
    : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...fieldPaths(v, maxDepth - 1, [...prefix, k])]);
}

function withValue(base: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

/** JSON.stringify writes lone surrogates as `\udXXX` escapes, exactly what a client would send. */
const json = (value: unknown) => JSON.stringify(value);

/** The body an operation starts from: its override (`POST /v1/x`), else its schema's example. */
export function baseBody(doc: OpenApiDoc, method: string, template: string, overrides: Overrides): unknown {
  const schema = doc.paths[template]?.[method]?.requestBody?.content?.['application/json']?.schema;
  const override = overrides[`${method.toUpperCase()} ${template}`];
  return override ?? exampleFor(doc, schema) ?? {};
}

export type Overrides = Record<string, unknown>;

export function fuzzRequests(
  doc: OpenApiDoc,
  fillPath: (path: string) => string,
  overrides: Overrides = {},
): FuzzRequest[] {
  const out: FuzzRequest[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const upper = method.toUpperCase();
      const path = fillPath(template);
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (schema) {
        const base = baseBody(doc, method, template, overrides);
        out.push({ method: upper, path, body: json(base), what: 'example body' });
        for (const field of fieldPaths(base)) {
          for (const [name, value] of HOSTILE_VALUES) {
            out.push({
              method: upper,
              path,
              body: json(withValue(base, field, value)),
              what: `${field.join('.')} = ${name}`,
            });
          }
        }
        for (const [name, value] of HOSTILE_VALUES)
          out.push({ method: upper, path, body: json(value), what: `whole body = ${name}` });
      }
      for (const param of op.parameters ?? []) {
        for (const [name, text] of HOSTILE_TEXT) {
          const target =
            param.in === 'path'
              ? fillPath(template.replace(`{${param.name}}`, text))
              : `${path}?${param.name}=${text}&${param.name}=${text}`;
          out.push({
            method: upper,
            path: target,
            body: schema ? json(baseBody(doc, method, template, overrides)) : undefined,
            what: `${param.in} ${param.name} = ${name}`,
          });
        }
      }
      if (!schema && !op.parameters?.length) out.push({ method: upper, path, what: 'plain' });
    }
  }
  return out;
}
