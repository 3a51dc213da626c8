import { Liquid } from 'liquidjs';
import { ProblemException } from '../../platform/http/problem';
import { htmlToText } from './html-to-text';
import { renderContent } from './rendered-content';
import {
  DEFAULT_TIME_ZONE,
  MissingVariablesError,
  TemplateRenderer,
  TemplateRenderError,
  TemplateSyntaxError,
} from './template-renderer';

const TEXT = { html: false };
const HTML = { html: true };

describe('TemplateRenderer', () => {
  const renderer = new TemplateRenderer();
  const render = (source: string, data: Record<string, unknown>, mode = TEXT) =>
    renderer.render(source, data, mode);
  const failure = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    throw new Error('expected a failure');
  };

  it('renders variables, nested paths and loops', () => {
    expect(render('Olá, {{ name }}!', { name: 'Maria' })).toBe('Olá, Maria!');
    expect(render('{{ customer.address.city }}', { customer: { address: { city: 'BH' } } })).toBe('BH');
    expect(render('{% for i in items %}{{ i }};{% endfor %}', { items: [1, 2] })).toBe('1;2;');
  });

  it('fails on a missing variable and lists every one, once, in order', () => {
    const err = failure(() =>
      render('{{ name }} {{ a.b.c }} {{ name }} {% for i in items %}{{ i }}{% endfor %} {{ z | upcase }}', {
        a: {},
      }),
    );
    expect(err).toBeInstanceOf(MissingVariablesError);
    expect((err as MissingVariablesError).variables).toEqual(['name', 'a.b', 'items', 'z']);
  });

  it('lets `if`, `unless` and `default` test absent data (lenient if)', () => {
    const source =
      '{% if phone %}Tel: {{ phone }}{% else %}sem telefone{% endif %}|{{ nick | default: "—" }}';
    expect(render(source, {})).toBe('sem telefone|—');
    expect(render(source, { phone: '3199', nick: 'Mari' })).toBe('Tel: 3199|Mari');
    expect(render('{% unless vip %}comum{% endunless %}', {})).toBe('comum');
  });

  it('escapes every output in HTML, and nothing in text', () => {
    const data = { name: '<script>alert("x")</script> & Cia' };
    expect(render('<p>{{ name }}</p>', data, HTML)).toBe(
      '<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Cia</p>',
    );
    expect(render('{{ name }}', data)).toBe(data.name);
    // `escape` does not escape twice; filters apply before the escaping.
    expect(render('{{ name | escape }}|{{ name | upcase }}', { name: '<b>' }, HTML)).toBe(
      '&lt;b&gt;|&lt;B&gt;',
    );
  });

  it('has no `raw` in HTML: data cannot get out of the escaping', () => {
    expect(failure(() => render('{{ name | raw }}', { name: '<b>' }, HTML))).toBeInstanceOf(
      TemplateSyntaxError,
    );
    expect(render('{{ name | raw }}', { name: '<b>' })).toBe('<b>');
  });

  it('formats money and first names the Brazilian way', () => {
    expect(render('{{ v | money }}', { v: 1234.56 })).toBe('R$ 1.234,56');
    expect(render('{{ v | money }}', { v: '150.5' })).toBe('R$ 150,50');
    expect(render('{{ v | money: "USD" }}', { v: 10 })).toBe('US$ 10,00');
    expect(render('{{ v | money }}', { v: 'grátis' })).toBe('grátis');
    expect(render('{{ n | first_name }}', { n: '  Maria da Silva ' })).toBe('Maria');
  });

  it('shows dates in São Paulo time unless the filter names a zone, with Portuguese names', () => {
    const data = { at: '2026-03-10T15:00:00Z' };
    expect(render("{{ at | date: '%d/%m/%Y %H:%M' }}", data)).toBe('10/03/2026 12:00');
    expect(render("{{ at | date: '%H:%M', 'America/Manaus' }}", data)).toBe('11:00');
    expect(render("{{ at | date: '%A, %d de %B' }}", data)).toBe('terça-feira, 10 de março');
    expect(render('{{ at | date }}', data)).toBe('10/03/2026 12:00');
  });

  it("formats dates in a zone exactly as LiquidJS's own zone names do, across daylight-saving changes", () => {
    const plain = new Liquid({ locale: 'pt-BR', timezoneOffset: DEFAULT_TIME_ZONE });
    const instants = [
      '2018-11-04T02:59:59Z', // São Paulo still kept daylight saving time then
      '2018-11-04T03:00:00Z',
      '2019-02-17T01:59:00Z',
      '2019-02-17T02:00:00Z',
      '2026-03-08T06:59:59Z', // New York springs forward
      '2026-03-08T07:00:00Z',
      '2026-10-25T00:30:00Z', // London falls back
      '2026-10-25T01:30:00Z',
      '2026-03-10T15:00:00-03:00',
      '1735689600', // epoch seconds
    ];
    for (const at of instants) {
      for (const zone of [
        undefined,
        'America/Sao_Paulo',
        'America/Manaus',
        'America/New_York',
        'Europe/London',
      ]) {
        const source = `{{ at | date: '%Y-%m-%d %H:%M:%S %z'${zone ? `, '${zone}'` : ''} }}`;
        expect(render(source, { at })).toBe(plain.parseAndRenderSync(source, { at }));
      }
    }
    expect(
      failure(() => render("{{ at | date: '%H', 'Mars/Olympus' }}", { at: instants[0] })),
    ).toBeInstanceOf(TemplateRenderError);
    // ... without LiquidJS's way to a zone's offset: two `toLocaleString` with a `timeZone` (a new
    // Intl formatter each, ~0.5 ms) per date rendered.
    const toLocale = jest.spyOn(Date.prototype, 'toLocaleString');
    try {
      render("{{ at | date: '%H:%M' }} {{ at | date: '%H:%M', 'America/Manaus' }}", { at: instants[0] });
      expect(toLocale).not.toHaveBeenCalled();
    } finally {
      toLocale.mockRestore();
    }
  });

  it('refuses unknown filters and bad syntax when parsing, with the Liquid message', () => {
    expect(renderer.check('{{ name | shout }}', TEXT)).toEqual([
      expect.stringMatching(/undefined filter: shout/),
    ]);
    expect(renderer.check('{% if name %}sem fim', TEXT)).toEqual([expect.stringMatching(/not closed/)]);
    expect(renderer.check('{{ name ', TEXT)).toEqual([expect.stringMatching(/not closed/)]);
    expect(renderer.check('Olá, {{ name }}', TEXT)).toEqual([]);
    expect(failure(() => render('{{ x | shout }}', { x: 1 }))).toBeInstanceOf(TemplateSyntaxError);
  });

  it('reads no files and no JavaScript internals', () => {
    expect(failure(() => render("{% include 'package.json' %}", {}))).toBeInstanceOf(TemplateRenderError);
    expect(failure(() => render('{{ name.constructor }}', { name: 'x' }))).toBeInstanceOf(
      MissingVariablesError,
    );
  });

  it('stops a runaway loop instead of filling memory or holding the worker', () => {
    const err = failure(() => render('{% for i in (1..100000000) %}xxxxxxxxxx{% endfor %}', {}));
    expect(err).toBeInstanceOf(TemplateRenderError);
    const loops =
      '{% for i in (1..1000) %}{% for j in (1..1000) %}{% for k in (1..1000) %}{% endfor %}{% endfor %}{% endfor %}';
    // A billion iterations left to run would hold the test far past its timeout.
    expect(failure(() => render(loops, {}))).toBeInstanceOf(TemplateRenderError);
  });

  it('does not blame the template when the host is slow: a 400 ms stall still names the missing data', () => {
    const slow = new TemplateRenderer();
    // What a loaded machine does to a render: the process gets no CPU for a while mid-template.
    const stall = (value: unknown) => {
      const until = performance.now() + 400;
      while (performance.now() < until);
      return value;
    };
    (slow as any).engines.text.registerFilter('stall', stall);
    expect(slow.render('{{ a | stall }}', { a: 'ok' }, TEXT)).toBe('ok');
    const err = failure(() => slow.render('{{ a | stall }} {{ name }}', { a: 'ok' }, TEXT));
    expect(err).toBeInstanceOf(MissingVariablesError);
    expect((err as MissingVariablesError).variables).toEqual(['name']);
  });

  it('reuses the parsed template for the same source', () => {
    const fresh = new TemplateRenderer();
    const parse = jest.spyOn((fresh as any).engines.text, 'parse');
    // A tag: LiquidJS renders it (plain outputs take the fast path, template-fast-path.ts).
    const source = '{% if a %}{{ a }}{% endif %}';
    fresh.render(source, { a: 1 }, TEXT);
    fresh.render(source, { a: 2 }, TEXT);
    fresh.render(source, { a: 3 }, HTML);
    expect(parse).toHaveBeenCalledTimes(1);
  });
});

describe('renderContent', () => {
  const renderer = new TemplateRenderer();
  const problem = (fn: () => unknown): ProblemException => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ProblemException) return err;
      throw err;
    }
    throw new Error('expected a problem');
  };

  it('renders an e-mail: escaped HTML, a plain-text part and a one-line subject', () => {
    const out = renderContent(
      renderer,
      'email',
      {
        subject: 'Olá,\n{{ name }}',
        body: '<p>Olá, <b>{{ name }}</b>!</p>\n<p>Veja <a href="{{ url }}">aqui</a>.</p>',
        whatsapp: null,
      },
      { name: '<script>x</script>', url: 'https://x.test/?a=1&b=2' },
      'Template "t" (email, pt-BR)',
    );
    expect(out).toEqual({
      subject: 'Olá, <script>x</script>',
      html: '<p>Olá, <b>&lt;script&gt;x&lt;/script&gt;</b>!</p>\n<p>Veja <a href="https://x.test/?a=1&amp;b=2">aqui</a>.</p>',
      text: 'Olá, <script>x</script>!\n\nVeja aqui (https://x.test/?a=1&b=2).',
      whatsapp: null,
    });
  });

  it('renders WhatsApp parameters on one line each, and the body as text', () => {
    const out = renderContent(
      renderer,
      'whatsapp',
      {
        subject: null,
        body: 'Olá, {{ name }} <3',
        whatsapp: {
          name: 'hello',
          language: 'pt-BR',
          parameters: ['{{ name }}', "{{ at | date: '%d/%m %H:%M' }}"],
        },
      },
      { name: 'Ana\n  Maria', at: '2026-03-10T15:00:00Z' },
      'T',
    );
    expect(out).toEqual({
      subject: null,
      text: 'Olá, Ana\n  Maria <3',
      html: null,
      whatsapp: { name: 'hello', language: 'pt-BR', parameters: ['Ana Maria', '10/03 12:00'] },
    });
  });

  it('lists every missing variable of every part at once', () => {
    const err = problem(() =>
      renderContent(
        renderer,
        'email',
        { subject: '{{ service }}', body: '<p>{{ name }} {{ when.day }}</p>', whatsapp: null },
        { when: {} },
        'Template "t" (email, pt-BR)',
      ),
    );
    expect(err.code).toBe('TEMPLATE_VARIABLES_MISSING');
    expect(err.extras.missing).toEqual(['service', 'name', 'when.day']);
    expect(err.extras.errors).toEqual([
      { field: 'data.service', message: expect.stringMatching(/missing/) },
      { field: 'data.name', message: expect.any(String) },
      { field: 'data.when.day', message: expect.any(String) },
    ]);
    expect(err.detail).toMatch(/Template "t".*service, name, when\.day/);
  });

  it('names the field that does not parse', () => {
    const err = problem(() =>
      renderContent(
        renderer,
        'sms',
        { subject: null, body: '{{ x | nope }}', whatsapp: null },
        {},
        'Inline',
        {
          subject: 'content.subject',
          body: 'content.body',
          parameters: 'content.parameters',
        },
      ),
    );
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.extras.errors).toEqual([{ field: 'content.body', message: expect.stringMatching(/nope/) }]);
  });
});

describe('htmlToText', () => {
  it('keeps what a reader sees: paragraphs, line breaks, lists, decoded entities', () => {
    const html = `<html><head><style>p{}</style></head><body>
      <h1>Recibo</h1><p>Valor:   R$&nbsp;10,00<br>Obrigado &amp; até logo</p>
      <ul><li>Um</li><li>Dois</li></ul><!-- nota --><p>&#x1F600; &#233; &lt;b&gt;</p></body></html>`;
    expect(htmlToText(html)).toBe(
      'Recibo\n\nValor: R$ 10,00\nObrigado & até logo\n\n- Um\n- Dois\n\n😀 é <b>',
    );
  });
});
