import jsonata from 'jsonata';
import { BUILTIN_WORKFLOWS } from '../../workflows/builtin-workflows';
import { compileExpression, evaluate } from './expression';
import { compileFast } from './fast-path';

/** What jsonata answered (or that it threw), as comparable text: key order and nesting included. */
const shape = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v));

const EXPRESSIONS = [
  'a',
  'a.b',
  'a.b.c',
  '$.a',
  '$$.a.b',
  '$',
  '$$',
  '"lit"',
  '42',
  '1.5',
  'true',
  'false',
  'null',
  'a ?? b',
  'a.b ?? b ?? "x"',
  'a ?: b',
  'a ? "y" : "n"',
  'a ? b',
  '"x" & a',
  'a & b & 1',
  'a & 1.1 & true & null',
  'a = "x"',
  'a != "x"',
  'a = 1',
  'a = b',
  'a != b',
  'a and b',
  'a or b',
  'a = "x" and b != 2 or c',
  '[a, b]',
  '[a, [b]]',
  '[]',
  '[[]]',
  '{"x": a, "y": [a]}',
  '{}',
  '{"x": {"y": a.b}, "z": a.b.c}',
  '$append(a, b)',
  '$append(["l"], a ? ["u:" & a] : [])',
  '$exists(a)',
  '$exists(a.b)',
  '($x := a; $x & "!")',
  '($x := a; ($x := "in"; $x) & $x)',
  '($x := a; $x.b)',
  '($exists := 1; $exists(a))',
  '$v',
  '$v.a',
  '$fn',
  '$unknown',
  '$exists',
  '{"a": 1, "a": 2}',
  '{"_jsonata_lambda": a}',
  'a.b[0]',
  '-a',
  '$string(a)',
  '{"contactId": contact.id, "phone": event.data.phone, "email": event.data.email}',
  '{"name": contact.name ?? event.data.name, "businessName": event.data.businessName ?? workspace.businessName}',
  '($c := event.data.utm.campaign ?? event.data.utm_campaign ?? event.data.utmCampaign; {"tags": $append(["lead"], $c ? ["utm:" & $c] : [])})',
];

const inherited: unknown = Object.create({ a: 1 });
const INPUTS: unknown[] = [
  {},
  { a: 'x' },
  { a: '' },
  { a: 0 },
  { a: 1 },
  { a: 1.1 },
  { a: 0.1 + 0.2 },
  { a: 1e21 },
  { a: null },
  { a: true },
  { a: false },
  { a: [1, 2] },
  { a: ['x'] },
  { a: [] },
  { a: { b: 'y' } },
  { a: { b: [1] } },
  { a: [{ b: 1 }, { b: 2 }] },
  { a: { b: { c: 3 } } },
  { a: { b: null } },
  { a: {} },
  { b: 'z' },
  { a: 'x', b: 'x', c: true },
  { a: 'x', b: 2 },
  { a: 1, b: 1 },
  { a: { _jsonata_lambda: true } },
  { a: new Date(0) },
  { constructor: 1 },
  inherited,
  [1, 2],
  [{ a: 1 }],
  'text',
  null,
  undefined,
  5,
  {
    event: { data: { phone: '+5531999990000', name: 'Ana', utm: { campaign: 'bf' } } },
    contact: null,
    workspace: { businessName: 'Loja' },
  },
  {
    event: { data: { phone: '+5531999990000', email: 'a@b.co', utm_campaign: 'x', businessName: 'B' } },
    contact: { id: 'c1', name: 'Maria' },
    workspace: {},
  },
  { event: { data: { utm: ['a', 'b'] } } },
];

const BINDINGS: Array<Record<string, unknown>> = [
  {},
  { v: { a: 1 }, fn: () => 1, x: 'outer' },
  { exists: 1, v: [1] },
];

describe('fast path (plain JavaScript for the mappings jsonata would await step by step)', () => {
  it('answers exactly what jsonata answers, or leaves the answer to jsonata', async () => {
    let answered = 0;
    for (const source of EXPRESSIONS) {
      const expr = jsonata(source);
      const fast = compileFast(expr.ast());
      for (const input of INPUTS) {
        for (const bindings of BINDINGS) {
          let expected: unknown;
          let threw = false;
          try {
            expected = await expr.evaluate(input, bindings);
          } catch {
            threw = true;
          }
          const got = fast?.(input, bindings);
          if (!got) continue;
          answered++;
          const where = `${source} on ${shape(input)} with ${Object.keys(bindings).join(',')}`;
          expect({ where, threw }).toEqual({ where, threw: false });
          expect({ where, value: shape(got.value) }).toEqual({ where, value: shape(expected) });
        }
      }
    }
    // Most pairs are in the subset: the comparison above is not vacuous.
    expect(answered).toBeGreaterThan(EXPRESSIONS.length * INPUTS.length);
  });

  it('leaves a tree nested past the stack to jsonata, and answers a huge array whole', () => {
    const ast = { type: 'block', expressions: [] as unknown[] };
    let inner = ast;
    for (let i = 0; i < 20_000; i++) {
      const next = { type: 'block', expressions: [] as unknown[] };
      inner.expressions.push(next);
      inner = next;
    }
    expect(() => compileFast(ast)).not.toThrow();
    const many = Array.from({ length: 300_000 }, (_, i) => i);
    const out = compileFast(jsonata('[a]').ast())!({ a: many }, {});
    expect((out?.value as unknown[]).length).toBe(300_000);
  });

  it('compiles nothing it does not know: filters, arithmetic, functions, computed or repeated keys', () => {
    for (const source of [
      'a.b[0]',
      'a[b > 1]',
      '-a',
      'a + 1',
      '$string(a)',
      '{a: 1}',
      '{"a": 1, "a": 2}',
      'a.*',
      '**.a',
    ]) {
      expect({ source, fast: compileFast(jsonata(source).ast()) }).toEqual({ source, fast: null });
    }
  });

  it('covers the built-in lead and welcome mappings, so a message does not await jsonata for them', async () => {
    const lead = BUILTIN_WORKFLOWS.find((w) => w.key === 'lead-welcome')!;
    const sources = lead.steps.flatMap((s) =>
      Object.values(s).filter((v): v is string => typeof v === 'string' && /[{(]/.test(v)),
    );
    expect(sources.length).toBeGreaterThanOrEqual(3);
    const scope = {
      event: { data: { name: 'Ana', phone: '+5531999990000', utm: { campaign: 'bf' } } },
      contact: null,
      workspace: { businessName: 'Loja' },
    };
    for (const source of sources) {
      const compiled = compileExpression(source);
      expect({ source, fast: compiled.fast !== null }).toEqual({ source, fast: true });
      expect(compiled.fast!(scope, {})).toBeDefined();
    }
    expect(await evaluate(compileExpression(lead.steps[1]['input' as never] as string), scope)).toEqual({
      tags: ['lead', 'utm:bf'],
    });
    // evaluate() answers from the fast path without running jsonata; it runs jsonata otherwise.
    const tag = compileExpression(lead.steps[1]['input' as never]);
    const viaJsonata = jest.spyOn(tag, 'run');
    await evaluate(tag, scope);
    expect(viaJsonata).not.toHaveBeenCalled();
    await evaluate(tag, { event: { data: { utm: [{ campaign: 'a' }] } } });
    expect(viaJsonata).toHaveBeenCalledTimes(1);
  });
});
