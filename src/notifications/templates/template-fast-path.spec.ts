import { BUILTIN_TEMPLATES } from './builtin-templates';
import { compileFastTemplate } from './template-fast-path';
import { FAST_FILTERS as FILTERS, TemplateRenderer } from './template-renderer';

const SOURCES = [
  'Olá, {{ name }}!',
  'Olá, {{name}}! {{ businessName }}',
  '{{ name | first_name }}',
  '{{  name  |  first_name  }} e {{ a.b.c }}',
  '{{ a.b }}',
  '{{ a }}',
  'sem variáveis } {',
  '',
  '{{ name | upcase }}',
  '{{ name | first_name: 1 }}',
  '{{- name }}',
  '{{ name -}}',
  '{% if name %}{{ name }}{% endif %}',
  '{{ true }}',
  '{{ nil }}',
  '{{ a.size }}',
  '{{ a.first }}',
  '{{ a[0] }}',
  "{{ 'x' }}",
  '{{ 1 }}',
  '{{ first-name }}',
  'a }} b %} c',
  '{{ name }',
  '{{ constructor }}',
];

const DATA: Array<Record<string, unknown>> = [
  {},
  { name: 'Maria da Silva', businessName: 'Clínica Sorriso' },
  { name: '  Ana  ', businessName: '' },
  { name: '' },
  { name: null },
  { name: 12 },
  { name: 1.5 },
  { name: true },
  { name: ['a', 'b'] },
  { name: { x: 1 } },
  { a: 'texto' },
  { a: { b: 'B', size: 3 } },
  { a: { b: { c: 'C' } } },
  { a: ['x', 'y'] },
  { a: { b: null } },
  { 'first-name': 'F' },
  Object.create({ name: 'herdado' }) as Record<string, unknown>,
];

/** The engine's answer, or that it threw. */
function liquid(renderer: TemplateRenderer, source: string, data: Record<string, unknown>): string {
  try {
    return `ok:${renderer.render(source, data, { html: false })}`;
  } catch (err) {
    return `threw:${(err as Error).name}`;
  }
}

describe('text template fast path (substitution for templates of text and plain outputs)', () => {
  // The engine with its own fast path kept out: every source is made one char too long for it.
  const engine = new TemplateRenderer();
  const pad = 'x'.repeat(2_048);
  const slow = (source: string, data: Record<string, unknown>) => {
    const out = liquid(engine, `${source}${pad}`, data);
    return out.endsWith(pad) ? out.slice(0, -pad.length) : out;
  };

  it('renders exactly what LiquidJS renders, or leaves the template to it', () => {
    let answered = 0;
    for (const source of SOURCES) {
      const fast = compileFastTemplate(source, FILTERS);
      for (const data of DATA) {
        const got = fast?.(data);
        if (got === undefined) continue;
        answered++;
        expect({ source, data, out: `ok:${got}` }).toEqual({ source, data, out: slow(source, data) });
      }
    }
    expect(answered).toBeGreaterThan(20);
  });

  it('takes the built-in WhatsApp and SMS texts, and leaves tags, literals and other filters to LiquidJS', () => {
    const texts = BUILTIN_TEMPLATES.filter((t) => t.channel !== 'email');
    const fast = texts.filter((t) => compileFastTemplate(t.body, FILTERS));
    expect(fast.map((t) => `${t.key}/${t.channel}`)).toEqual(
      expect.arrayContaining(['lead-welcome/whatsapp', 'lead-welcome/sms']),
    );
    for (const source of [
      '{% if a %}x{% endif %}',
      '{{ true }}',
      '{{ a | upcase }}',
      '{{- a }}',
      '{{ a[0] }}',
    ]) {
      expect({ source, fast: compileFastTemplate(source, FILTERS) }).toEqual({ source, fast: null });
    }
  });

  it('answers through the renderer as the engine does, missing variables included', () => {
    const source = 'Olá, {{ name | first_name }}! Obrigado pelo contato com {{ businessName }}.';
    const data = { name: 'Maria da Silva', businessName: 'Clínica Sorriso' };
    // The renderer takes the fast path: LiquidJS is not asked to render this source.
    const liquidRender = jest.spyOn((engine as any).engines.text, 'renderSync');
    expect(engine.render(source, data, { html: false })).toBe(slow(source, data).slice(3));
    expect(liquidRender).toHaveBeenCalledTimes(1); // the padded source only, in slow()
    expect(() => engine.render(source, { name: 'Maria' }, { html: false })).toThrow(
      expect.objectContaining({ name: 'MissingVariablesError', variables: ['businessName'] }),
    );
  });
});
