import { CHANNELS } from '../channels';
import { ProblemException } from '../../platform/http/problem';
import { BUILTIN_KEYS, BUILTIN_TEMPLATES, BUILTIN_VARIABLES, findBuiltin } from './builtin-templates';
import { checkContent, renderContent } from './rendered-content';
import { TemplateRenderer } from './template-renderer';

/** A value for every variable the built-ins document. */
const SAMPLE: Record<string, unknown> = {
  name: 'Maria da Silva',
  businessName: 'Clínica Sorriso',
  service: 'limpeza de pele',
  startsAt: '2026-03-10T18:30:00Z',
  amount: 1234.5,
  feedbackUrl: 'https://ponte.test/f/abc?x=1&y=2',
  address: 'Rua da Bahia, 1000',
  description: 'mensalidade de março',
  paidAt: '2026-03-09T13:00:00Z',
  options: '1) ter 10/03 às 15:30; 2) ter 10/03 às 16:00',
  position: 3,
};

const only = (names: string[]) => Object.fromEntries(names.map((n) => [n, SAMPLE[n]]));

describe('built-in templates', () => {
  const renderer = new TemplateRenderer();

  it('cover every key on every channel, in pt-BR', () => {
    expect(BUILTIN_KEYS).toEqual([
      'lead-welcome',
      'client-welcome',
      'service-completed',
      'feedback-request',
      'appointment-reminder-24h',
      'appointment-reminder-1h',
      'appointment-confirmation',
      'appointment-slots',
      'appointment-queue-position',
      'payment-received',
      'opt-out-confirmation',
      'opt-in-confirmation',
    ]);
    for (const key of BUILTIN_KEYS) {
      for (const channel of CHANNELS) expect(findBuiltin(key, channel, 'pt-BR')).toBeDefined();
    }
    expect(BUILTIN_TEMPLATES).toHaveLength(BUILTIN_KEYS.length * CHANNELS.length);
    for (const t of BUILTIN_TEMPLATES) {
      expect(checkContent(renderer, t.channel, t)).toEqual([]);
      expect(t.subject === null).toBe(t.channel !== 'email');
      expect(t.whatsapp === null).toBe(t.channel !== 'whatsapp');
      expect(t.body).not.toMatch(/\{\{\d+\}\}/);
    }
    expect(findBuiltin('appointment-reminder-24h', 'whatsapp', 'pt-BR')?.whatsapp).toMatchObject({
      name: 'appointment_reminder_24h',
      language: 'pt-BR',
    });
  });

  describe.each(BUILTIN_TEMPLATES.map((t) => [`${t.key} (${t.channel})`, t] as const))('%s', (_, t) => {
    const { required } = BUILTIN_VARIABLES[t.key];

    it('renders with its required variables alone', () => {
      const out = renderContent(renderer, t.channel, t, only(required), t.key);
      expect(out.text).not.toMatch(/\{\{|\{%|undefined|null/);
      if (required.includes('name')) expect(out.text).toContain('Maria');
      if (t.channel === 'sms') expect(out.text.length).toBeLessThanOrEqual(160);
      if (t.channel === 'email') {
        expect(out.subject).toBeTruthy();
        expect(out.html).toContain('Clínica Sorriso');
      }
      if (t.channel === 'whatsapp') {
        expect(out.whatsapp?.parameters.every((p) => p.length > 0)).toBe(true);
        // The body is the WhatsApp template's text: each parameter appears in it.
        for (const p of out.whatsapp!.parameters) expect(out.text).toContain(p);
      }
    });

    it('renders with every documented variable', () => {
      const out = renderContent(renderer, t.channel, t, SAMPLE, t.key);
      if (t.channel === 'email' && t.key.startsWith('appointment-reminder')) {
        expect(out.text).toContain('Rua da Bahia, 1000');
      }
    });

    it('fails with empty data, naming every required variable', () => {
      let err: unknown;
      try {
        renderContent(renderer, t.channel, t, {}, t.key);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProblemException);
      expect((err as ProblemException).code).toBe('TEMPLATE_VARIABLES_MISSING');
      expect([...((err as ProblemException).extras.missing as string[])].sort()).toEqual(
        [...required].sort(),
      );
    });
  });

  it('read well: the 24-hour reminder in each channel', () => {
    const data = only(BUILTIN_VARIABLES['appointment-reminder-24h'].required);
    const render = (channel: 'whatsapp' | 'sms' | 'email') =>
      renderContent(renderer, channel, findBuiltin('appointment-reminder-24h', channel, 'pt-BR')!, data, 'r');
    expect(render('whatsapp')).toEqual({
      subject: null,
      text:
        'Olá, Maria! Passando para lembrar do seu horário de limpeza de pele amanhã, 10/03, às 15:30, em ' +
        'Clínica Sorriso. Se não puder comparecer, responda esta mensagem para remarcarmos.',
      html: null,
      whatsapp: {
        name: 'appointment_reminder_24h',
        language: 'pt-BR',
        parameters: ['Maria', 'limpeza de pele', '10/03', '15:30', 'Clínica Sorriso'],
      },
    });
    expect(render('sms').text).toBe(
      'Maria, lembrete: limpeza de pele amanhã, 10/03, às 15:30. Clínica Sorriso',
    );
    const email = render('email');
    expect(email.subject).toBe('Lembrete: limpeza de pele amanhã às 15:30');
    expect(email.text).toBe(
      'Olá, Maria!\n\nPassando para lembrar do seu horário de limpeza de pele amanhã, terça-feira, 10/03, às 15:30.' +
        '\n\nSe não puder comparecer, responda este e-mail para remarcarmos.\n\nClínica Sorriso',
    );
  });

  it('read well: the queue position and the slots offered (pt-BR)', () => {
    const queue = renderContent(
      renderer,
      'whatsapp',
      findBuiltin('appointment-queue-position', 'whatsapp', 'pt-BR')!,
      SAMPLE,
      'q',
    );
    expect(queue.text).toBe(
      'Olá, Maria! Você é o 3º da fila em Clínica Sorriso. Avisaremos por aqui quando for a sua vez.',
    );
    const slots = renderContent(
      renderer,
      'whatsapp',
      findBuiltin('appointment-slots', 'whatsapp', 'pt-BR')!,
      SAMPLE,
      's',
    );
    expect(slots.text).toBe(
      'Olá, Maria! Estes são os próximos horários livres para limpeza de pele em Clínica Sorriso: 1) ter 10/03 às 15:30; 2) ter 10/03 às 16:00. Responda com o número do horário que preferir.',
    );
  });

  it('read well: the payment receipt formats money and escapes data in HTML', () => {
    const t = findBuiltin('payment-received', 'email', 'pt-BR')!;
    const out = renderContent(renderer, 'email', t, { ...SAMPLE, description: '<b>março</b>' }, 'p');
    expect(out.subject).toBe('Recebemos seu pagamento de R$ 1.234,50');
    expect(out.html).toContain('referente a &lt;b&gt;março&lt;/b&gt;, em 09/03/2026');
    expect(out.text).toContain('R$ 1.234,50, referente a <b>março</b>, em 09/03/2026.');
  });
});
