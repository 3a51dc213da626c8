import type { Channel } from '../channels';
import type { WhatsAppTemplateSpec } from './template.entity';

/**
 * The pt-BR templates Ponte ships for its built-in workflows (and the opt-out/opt-in replies).
 * They belong to no workspace: every workspace sees them, and a workspace's own template with the
 * same key, channel and locale takes their place.
 *
 * Variables are flat. Every template of a key uses its `required` variables (a render without one
 * fails with TEMPLATE_VARIABLES_MISSING naming it); `optional` ones only appear in e-mails, inside
 * `{% if %}`. The WhatsApp body is the text of the WhatsApp template with its parameters in place,
 * so providers without templates (WAHA, Z-API, the sandbox) send the same words.
 *
 * | key                        | required                                 | optional             |
 * | -------------------------- | ---------------------------------------- | -------------------- |
 * | `lead-welcome`             | name, businessName                       |                      |
 * | `client-welcome`           | name, businessName                       |                      |
 * | `service-completed`        | name, service, businessName              |                      |
 * | `feedback-request`         | name, service, feedbackUrl, businessName |                      |
 * | `appointment-reminder-24h` | name, service, startsAt, businessName    | address              |
 * | `appointment-reminder-1h`  | name, service, startsAt, businessName    | address              |
 * | `appointment-confirmation` | name, service, startsAt, businessName    | address              |
 * | `appointment-slots`        | name, service, options, businessName     |                      |
 *
 * `options` of `appointment-slots` is one line (`1) qua 25/11 às 14:00; 2) ...`): WhatsApp template
 * parameters hold no line breaks.
 * | `appointment-queue-position` | name, position, businessName           |                      |
 * | `payment-received`         | name, amount, businessName               | description, paidAt  |
 * | `opt-out-confirmation`     | businessName                             |                      |
 * | `opt-in-confirmation`      | businessName                             |                      |
 *
 * `name` is the person's full name (greetings use its first word); `startsAt` and `paidAt` are ISO
 * 8601 times, shown in São Paulo time; `amount` is a number of reais (`150.5` → `R$ 150,50`).
 */
export interface BuiltinTemplate {
  key: string;
  channel: Channel;
  locale: string;
  subject: string | null;
  body: string;
  whatsapp: WhatsAppTemplateSpec | null;
}

export interface BuiltinVariables {
  required: string[];
  optional: string[];
}

export const BUILTIN_LOCALE = 'pt-BR';

interface Definition {
  key: string;
  variables: BuiltinVariables;
  /** The WhatsApp template's text with `{{1}}`, `{{2}}`... and what each parameter is. */
  whatsapp: { text: string; parameters: string[] };
  sms: string;
  email: { subject: string; html: string };
}

const FIRST = '{{ name | first_name }}';
const DAY = "{{ startsAt | date: '%d/%m' }}";
const TIME = "{{ startsAt | date: '%H:%M' }}";
const WEEKDAY = "{{ startsAt | date: '%A' }}";

/** The e-mail around its paragraphs (a `{% if %}` block brings its own): simple, inline-styled HTML. */
const email = (paragraphs: string[]): string =>
  [
    '<div style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222;max-width:560px">',
    ...paragraphs.map((p) => (p.startsWith('{%') ? `  ${p}` : `  <p>${p}</p>`)),
    '  <p style="color:#666;font-size:13px">{{ businessName }}</p>',
    '</div>',
  ].join('\n');

const ADDRESS = '{% if address %}<p>Endereço: {{ address }}</p>{% endif %}';

const DEFINITIONS: Definition[] = [
  {
    key: 'lead-welcome',
    variables: { required: ['name', 'businessName'], optional: [] },
    whatsapp: {
      text: 'Olá, {{1}}! Obrigado pelo seu contato com {{2}}. Em breve alguém da nossa equipe vai falar com você por aqui. Se quiser, já pode nos contar como podemos ajudar.',
      parameters: [FIRST, '{{ businessName }}'],
    },
    sms: `Olá, ${FIRST}! Obrigado pelo contato com {{ businessName }}. Em breve falaremos com você.`,
    email: {
      subject: `Recebemos seu contato, ${FIRST}!`,
      html: email([
        `Olá, ${FIRST}!`,
        'Obrigado pelo seu contato com {{ businessName }}. Em breve alguém da nossa equipe vai falar com você.',
        'Se quiser adiantar, é só responder este e-mail contando como podemos ajudar.',
      ]),
    },
  },
  {
    key: 'client-welcome',
    variables: { required: ['name', 'businessName'], optional: [] },
    whatsapp: {
      text: 'Olá, {{1}}! Seu cadastro em {{2}} foi concluído. Que bom ter você com a gente! Sempre que precisar, é só chamar por aqui.',
      parameters: [FIRST, '{{ businessName }}'],
    },
    sms: `Olá, ${FIRST}! Seu cadastro em {{ businessName }} foi concluído. Seja bem-vindo(a)!`,
    email: {
      subject: `${FIRST}, que bom ter você com a gente!`,
      html: email([
        `Olá, ${FIRST}!`,
        'Seu cadastro em {{ businessName }} foi concluído. Que bom ter você com a gente!',
        'Sempre que precisar, é só responder este e-mail ou falar conosco pelo WhatsApp.',
      ]),
    },
  },
  {
    key: 'service-completed',
    variables: { required: ['name', 'service', 'businessName'], optional: [] },
    whatsapp: {
      text: 'Olá, {{1}}! Seu atendimento de {{2}} foi concluído. Obrigado por escolher {{3}}!',
      parameters: [FIRST, '{{ service }}', '{{ businessName }}'],
    },
    sms: `${FIRST}, seu atendimento de {{ service }} foi concluído. Obrigado! {{ businessName }}`,
    email: {
      subject: 'Seu atendimento de {{ service }} foi concluído',
      html: email([
        `Olá, ${FIRST}!`,
        'Seu atendimento de <strong>{{ service }}</strong> foi concluído.',
        'Obrigado por escolher {{ businessName }}. Qualquer dúvida, estamos à disposição.',
      ]),
    },
  },
  {
    key: 'feedback-request',
    variables: { required: ['name', 'service', 'feedbackUrl', 'businessName'], optional: [] },
    whatsapp: {
      text: 'Olá, {{1}}! Como foi seu atendimento de {{2}}? Sua opinião nos ajuda a melhorar. Leva menos de um minuto: {{3}} Obrigado! {{4}}',
      parameters: [FIRST, '{{ service }}', '{{ feedbackUrl }}', '{{ businessName }}'],
    },
    sms: `{{ businessName }}: ${FIRST}, como foi seu atendimento de {{ service }}? Conte para nós: {{ feedbackUrl }}`,
    email: {
      subject: 'Como foi seu atendimento de {{ service }}?',
      html: email([
        `Olá, ${FIRST}!`,
        'Como foi seu atendimento de <strong>{{ service }}</strong>? Sua opinião nos ajuda a melhorar, e leva menos de um minuto.',
        '<a href="{{ feedbackUrl }}" style="color:#0b6bcb">Avaliar meu atendimento</a>',
        'Obrigado!',
      ]),
    },
  },
  {
    key: 'appointment-reminder-24h',
    variables: { required: ['name', 'service', 'startsAt', 'businessName'], optional: ['address'] },
    whatsapp: {
      text: 'Olá, {{1}}! Passando para lembrar do seu horário de {{2}} amanhã, {{3}}, às {{4}}, em {{5}}. Se não puder comparecer, responda esta mensagem para remarcarmos.',
      parameters: [FIRST, '{{ service }}', DAY, TIME, '{{ businessName }}'],
    },
    sms: `${FIRST}, lembrete: {{ service }} amanhã, ${DAY}, às ${TIME}. {{ businessName }}`,
    email: {
      subject: `Lembrete: {{ service }} amanhã às ${TIME}`,
      html: email([
        `Olá, ${FIRST}!`,
        `Passando para lembrar do seu horário de <strong>{{ service }}</strong> amanhã, ${WEEKDAY}, ${DAY}, às ${TIME}.`,
        ADDRESS,
        'Se não puder comparecer, responda este e-mail para remarcarmos.',
      ]),
    },
  },
  {
    key: 'appointment-reminder-1h',
    variables: { required: ['name', 'service', 'startsAt', 'businessName'], optional: ['address'] },
    whatsapp: {
      text: 'Olá, {{1}}! Seu horário de {{2}} em {{3}} é daqui a 1 hora, às {{4}}. Até já!',
      parameters: [FIRST, '{{ service }}', '{{ businessName }}', TIME],
    },
    sms: `${FIRST}, seu horário de {{ service }} é às ${TIME}, daqui a 1 hora. Até já! {{ businessName }}`,
    email: {
      subject: 'Seu horário de {{ service }} é daqui a 1 hora',
      html: email([
        `Olá, ${FIRST}!`,
        `Seu horário de <strong>{{ service }}</strong> é daqui a 1 hora, às ${TIME}.`,
        ADDRESS,
        'Até já!',
      ]),
    },
  },
  {
    key: 'appointment-confirmation',
    variables: { required: ['name', 'service', 'startsAt', 'businessName'], optional: ['address'] },
    whatsapp: {
      text: 'Pronto, {{1}}! Seu horário de {{2}} está marcado para {{3}}, às {{4}}, em {{5}}. Para confirmar, responda CONFIRMO; se precisar mudar, responda PRECISO REMARCAR.',
      parameters: [FIRST, '{{ service }}', DAY, TIME, '{{ businessName }}'],
    },
    sms: `${FIRST}, seu horário de {{ service }} está marcado: ${DAY} às ${TIME}. {{ businessName }}`,
    email: {
      subject: `Horário marcado: {{ service }} em ${DAY} às ${TIME}`,
      html: email([
        `Olá, ${FIRST}!`,
        `Seu horário de <strong>{{ service }}</strong> está marcado para ${WEEKDAY}, ${DAY}, às ${TIME}.`,
        ADDRESS,
        'Se precisar mudar, responda este e-mail.',
      ]),
    },
  },
  {
    key: 'appointment-slots',
    variables: { required: ['name', 'service', 'options', 'businessName'], optional: [] },
    whatsapp: {
      text: 'Olá, {{1}}! Estes são os próximos horários livres para {{2}} em {{3}}: {{4}}. Responda com o número do horário que preferir.',
      parameters: [FIRST, '{{ service }}', '{{ businessName }}', '{{ options }}'],
    },
    sms: `${FIRST}, horários livres para {{ service }}: {{ options }}. Responda com o número. {{ businessName }}`,
    email: {
      subject: 'Horários livres para {{ service }}',
      html: email([
        `Olá, ${FIRST}!`,
        'Estes são os próximos horários livres para <strong>{{ service }}</strong>:',
        '{{ options }}',
        'Responda com o número do horário que preferir.',
      ]),
    },
  },
  {
    key: 'appointment-queue-position',
    variables: { required: ['name', 'position', 'businessName'], optional: [] },
    whatsapp: {
      text: 'Olá, {{1}}! Você é o {{2}}º da fila em {{3}}. Avisaremos por aqui quando for a sua vez.',
      parameters: [FIRST, '{{ position }}', '{{ businessName }}'],
    },
    sms: `${FIRST}, você é o {{ position }}º da fila em {{ businessName }}. Avisaremos quando for a sua vez.`,
    email: {
      subject: 'Você é o {{ position }}º da fila',
      html: email([
        `Olá, ${FIRST}!`,
        'Você é o <strong>{{ position }}º</strong> da fila em {{ businessName }}. Avisaremos quando for a sua vez.',
      ]),
    },
  },
  {
    key: 'payment-received',
    variables: { required: ['name', 'amount', 'businessName'], optional: ['description', 'paidAt'] },
    whatsapp: {
      text: 'Olá, {{1}}! Confirmamos o recebimento do seu pagamento de {{2}}. Obrigado! {{3}}',
      parameters: [FIRST, '{{ amount | money }}', '{{ businessName }}'],
    },
    sms: `${FIRST}, recebemos seu pagamento de {{ amount | money }}. Obrigado! {{ businessName }}`,
    email: {
      subject: 'Recebemos seu pagamento de {{ amount | money }}',
      html: email([
        `Olá, ${FIRST}!`,
        'Confirmamos o recebimento do seu pagamento de <strong>{{ amount | money }}</strong>' +
          '{% if description %}, referente a {{ description }}{% endif %}' +
          "{% if paidAt %}, em {{ paidAt | date: '%d/%m/%Y' }}{% endif %}.",
        'Guarde este e-mail como comprovante. Obrigado pela confiança!',
      ]),
    },
  },
  {
    key: 'opt-out-confirmation',
    variables: { required: ['businessName'], optional: [] },
    whatsapp: {
      text: 'Pronto! Você não vai mais receber mensagens promocionais de {{1}} por aqui. Avisos sobre seus atendimentos continuam chegando normalmente. Se mudar de ideia, é só responder VOLTAR.',
      parameters: ['{{ businessName }}'],
    },
    sms: 'Pronto! Você não receberá mais promoções de {{ businessName }} por SMS. Para voltar, responda VOLTAR.',
    email: {
      subject: 'Você não receberá mais nossas mensagens promocionais',
      html: email([
        'Pronto! Você não vai mais receber mensagens promocionais de {{ businessName }} por e-mail.',
        'Avisos sobre seus atendimentos continuam chegando normalmente. Se mudar de ideia, é só nos avisar.',
      ]),
    },
  },
  {
    key: 'opt-in-confirmation',
    variables: { required: ['businessName'], optional: [] },
    whatsapp: {
      text: 'Que bom ter você de volta! Você voltou a receber as novidades de {{1}} por aqui. Para parar quando quiser, é só responder SAIR.',
      parameters: ['{{ businessName }}'],
    },
    sms: 'Você voltou a receber as novidades de {{ businessName }} por SMS. Para parar, responda SAIR.',
    email: {
      subject: 'Você voltou a receber nossas novidades',
      html: email([
        'Que bom ter você de volta! Você voltou a receber as novidades de {{ businessName }} por e-mail.',
        'Para parar quando quiser, é só nos avisar.',
      ]),
    },
  },
];

/** `{{1}}` → the Liquid of parameter 1: the WhatsApp body says what the WhatsApp template says. */
const fill = (text: string, parameters: string[]): string =>
  text.replace(/\{\{(\d+)\}\}/g, (_, n: string) => parameters[Number(n) - 1]);

export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = DEFINITIONS.flatMap((d) => [
  {
    key: d.key,
    channel: 'whatsapp' as const,
    locale: BUILTIN_LOCALE,
    subject: null,
    body: fill(d.whatsapp.text, d.whatsapp.parameters),
    whatsapp: { name: d.key.replace(/-/g, '_'), language: BUILTIN_LOCALE, parameters: d.whatsapp.parameters },
  },
  { key: d.key, channel: 'sms' as const, locale: BUILTIN_LOCALE, subject: null, body: d.sms, whatsapp: null },
  {
    key: d.key,
    channel: 'email' as const,
    locale: BUILTIN_LOCALE,
    subject: d.email.subject,
    body: d.email.html,
    whatsapp: null,
  },
]);

export const BUILTIN_KEYS: readonly string[] = DEFINITIONS.map((d) => d.key);

/** What each built-in key's templates use (see the table above). */
export const BUILTIN_VARIABLES: Readonly<Record<string, BuiltinVariables>> = Object.fromEntries(
  DEFINITIONS.map((d) => [d.key, d.variables]),
);

const BY_ID = new Map(BUILTIN_TEMPLATES.map((t) => [`${t.key}/${t.channel}/${t.locale}`, t]));

export function findBuiltin(key: string, channel: Channel, locale: string): BuiltinTemplate | undefined {
  return BY_ID.get(`${key}/${channel}/${locale}`);
}

export function builtinsOf(key: string): BuiltinTemplate[] {
  return BUILTIN_TEMPLATES.filter((t) => t.key === key);
}
