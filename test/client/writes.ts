import { createPonteClient, type PonteClient } from '../../clients/typescript/src/index';

/**
 * Every create and update operation of the API, called through the generated client with the
 * bodies an integrator would write. `npm run typecheck` compiles this file with no casts: a body
 * type that refuses a realistic request (an object typed `Record<string, never>`, a defaulted field
 * made required, a config not matching its kind) fails CI. `test/e2e/client.test.ts` also runs
 * the workspace-level calls against a live app, so the bodies stay ones Ponte accepts.
 */
export async function writeEverything(ponte: PonteClient, host = 'erp.example.com') {
  const workspace = await ponte.POST('/v1/workspaces', {
    body: { name: 'Clínica Sorriso', slug: 'sorriso' },
  });
  const workspaceId = workspace.data?.id ?? '';
  const renamed = await ponte.PATCH('/v1/workspaces/{id}', {
    params: { path: { id: workspaceId } },
    body: {
      name: 'Clínica Sorriso Centro',
      businessName: 'Clínica Sorriso',
      timeZone: 'America/Sao_Paulo',
      locale: 'pt-BR',
      address: 'Rua da Bahia, 1148, Belo Horizonte',
    },
  });
  return { workspace, renamed, ...(await workspaceWrites(ponte, host)) };
}

/**
 * The calls a workspace admin key may make. `host` is where the endpoint and the SMTP server are:
 * Ponte resolves them when saved, and the test machine resolves no public name.
 */
export async function workspaceWrites(ponte: PonteClient, host: string) {
  const apiKey = await ponte.POST('/v1/api-keys', {
    body: { name: 'CRM sync', scopes: ['events:write', 'notifications:write'], rateLimitPerMinute: 600 },
  });
  const user = await ponte.POST('/v1/users', {
    body: { email: 'ana@sorriso.example', password: 'correct horse battery', role: 'operator' },
  });

  const meta = await ponte.POST('/v1/sources', {
    body: {
      name: 'Meta — main number',
      kind: 'meta',
      config: { appSecret: 'e3f1a2', verifyToken: 'vt-123' },
    },
  });
  const standard = await ponte.POST('/v1/sources', {
    body: { name: 'Shop webhooks', kind: 'standard', config: {}, enabled: true },
  });
  const sourceUpdate = await ponte.PATCH('/v1/sources/{id}', {
    params: { path: { id: meta.data?.id ?? '' } },
    body: { name: 'Meta — old number', config: { verifyToken: 'vt-456' }, enabled: false },
  });

  const event = await ponte.POST('/v1/events', {
    body: {
      type: 'order.created',
      data: {
        orderId: 'A-1001',
        total: 149.9,
        items: [{ sku: 'X1', qty: 2 }],
        customer: { phone: '+5531992953088' },
      },
    },
    headers: { 'Idempotency-Key': 'order-A-1001' },
  });

  const endpoint = await ponte.POST('/v1/endpoints', {
    body: {
      name: 'ERP',
      url: `https://${host}/hooks/ponte`,
      eventTypes: ['order.*'],
      headers: { 'X-Api-Token': 'erp-secret' },
      rateLimitPerSecond: 10,
    },
  });
  const endpointUpdate = await ponte.PATCH('/v1/endpoints/{id}', {
    params: { path: { id: endpoint.data?.id ?? '' } },
    body: {
      eventTypes: ['order.created', 'order.paid'],
      headers: { 'X-Api-Token': 'rotated' },
      enabled: true,
    },
  });
  const mapping = await ponte.POST('/v1/mappings', {
    body: { eventType: 'order.created', system: 'erp', expression: '{ "id": orderId, "amount": total }' },
  });
  const mappingTest = await ponte.POST('/v1/mappings/test', {
    body: { expression: '{ "id": orderId }', data: { orderId: 'A-1001' } },
  });

  const whatsapp = await ponte.POST('/v1/providers', {
    body: {
      channel: 'whatsapp',
      kind: 'meta',
      name: 'Meta — main number',
      config: { accessToken: 'EAAG-token', phoneNumberId: '106540352242922', apiVersion: 'v23.0' },
      priority: 1,
    },
  });
  const email = await ponte.POST('/v1/providers', {
    body: {
      channel: 'email',
      kind: 'smtp',
      name: 'Office mail',
      config: { host, port: 587, secure: false, from: 'Clínica <oi@sorriso.example>' },
    },
  });
  const sms = await ponte.POST('/v1/providers', {
    body: {
      channel: 'sms',
      kind: 'twilio',
      name: 'Twilio SMS',
      config: {
        accountSid: 'AC0123456789abcdef0123456789abcdef',
        authToken: 'tw-token',
        from: '+15005550006',
      },
    },
  });
  const sandbox = await ponte.POST('/v1/providers', {
    body: { channel: 'whatsapp', kind: 'sandbox', name: 'Sandbox', config: {} },
  });
  const providerUpdate = await ponte.PATCH('/v1/providers/{id}', {
    params: { path: { id: whatsapp.data?.id ?? '' } },
    body: { config: { accessToken: 'EAAG-new' }, priority: 2, rateLimitPerSecond: 40, enabled: true },
  });

  const template = await ponte.POST('/v1/templates', {
    body: {
      key: 'order-ready',
      channel: 'email',
      subject: 'Pedido {{ orderId }} pronto',
      body: 'Olá {{ name }}!',
    },
  });
  const preview = await ponte.POST('/v1/templates/{key}/preview', {
    params: { path: { key: 'order-ready' } },
    body: { channel: 'email', data: { orderId: 'A-1001', name: 'Maria' } },
  });

  const contact = await ponte.POST('/v1/contacts', {
    body: {
      externalId: 'crm-1',
      name: 'Maria Silva',
      phone: '+55 31 99295-3088',
      email: 'maria@example.com',
      tags: ['vip'],
      attributes: { plan: 'gold', visits: 3 },
    },
  });
  const contactId = contact.data?.id ?? '';
  const contactUpdate = await ponte.PATCH('/v1/contacts/{id}', {
    params: { path: { id: contactId } },
    body: { locale: 'pt-BR', attributes: { plan: 'platinum' } },
  });
  const preferences = await ponte.PUT('/v1/contacts/{id}/preferences', {
    params: { path: { id: contactId } },
    body: {
      channels: { whatsapp: { marketing: false } },
      quietHours: { start: '21:00', end: '08:00', timeZone: 'America/Sao_Paulo' },
    },
  });

  const notification = await ponte.POST('/v1/notifications', {
    body: {
      to: { contactId },
      channels: ['email'],
      template: 'order-ready',
      data: { orderId: 'A-1001', name: 'Maria' },
    },
  });
  const bulk = await ponte.POST('/v1/notifications/bulk', {
    body: {
      notifications: [
        {
          to: { email: 'joao@example.com' },
          channels: ['email'],
          content: { subject: 'Oi', text: 'Até amanhã' },
        },
      ],
    },
  });

  const workflow = await ponte.POST('/v1/workflows', {
    body: {
      key: 'vip-orders',
      name: 'Tag VIP orders',
      trigger: { event: 'order.created', filter: 'event.data.total > 100' },
      steps: [{ id: 'tag', type: 'action', name: 'contact.tag', input: '{"tags": ["vip"]}' }],
    },
  });
  const fromTemplate = await ponte.POST('/v1/workflows/from-template', {
    body: { template: 'service-completed-feedback', active: false },
  });
  const workflowUpdate = await ponte.PATCH('/v1/workflows/{id}', {
    params: { path: { id: workflow.data?.id ?? '' } },
    body: { name: 'Tag VIP orders (over R$ 100)', active: false },
  });
  // Accounting's body once came out as the calendar's (two classes named CreateConnectionDto).
  const erp = await ponte.POST('/v1/accounting/connections', {
    body: {
      kind: 'omie',
      name: 'Omie — InterAlpha',
      config: { appKey: '1234567890', appSecret: 'abcdef', baseUrl: `http://${host}:9/api/v1` },
      triggers: ['client.registered', 'payment.received'],
      enabled: false,
    },
  });
  const erpUpdate = await ponte.PATCH('/v1/accounting/connections/{id}', {
    params: { path: { id: erp.data?.id ?? '' } },
    body: { name: 'Omie — InterAlpha Centro', config: { categoryCode: '1.01.01' } },
  });
  const appointment = await ponte.POST('/v1/appointments', {
    body: {
      contact: { name: 'Maria Souza', phone: '+5531988887777' },
      service: 'Limpeza de pele',
      startsAt: '2030-05-13T13:00:00-03:00',
      durationMinutes: 45,
      resource: 'Sala 1',
    },
  });
  const appointmentUpdate = await ponte.PATCH('/v1/appointments/{id}', {
    params: { path: { id: appointment.data?.id ?? '' } },
    body: { startsAt: '2030-05-14T10:00:00-03:00', notes: 'Remarcado a pedido' },
  });
  const availability = await ponte.POST('/v1/calendar/availability', {
    body: {
      from: '2030-05-13T00:00:00-03:00',
      to: '2030-05-15T00:00:00-03:00',
      slotMinutes: 30,
      workingHours: { mon: [{ start: '09:00', end: '18:00' }], tue: [{ start: '09:00', end: '18:00' }] },
      breaks: [{ start: '12:00', end: '13:00' }],
      bufferMinutes: 10,
    },
  });

  return {
    apiKey,
    user,
    erp,
    erpUpdate,
    meta,
    standard,
    sourceUpdate,
    event,
    endpoint,
    endpointUpdate,
    mapping,
    mappingTest,
    whatsapp,
    email,
    sms,
    sandbox,
    providerUpdate,
    template,
    preview,
    contact,
    contactUpdate,
    preferences,
    notification,
    bulk,
    workflow,
    fromTemplate,
    workflowUpdate,
    appointment,
    appointmentUpdate,
    availability,
  };
}

/** Replies need a conversation, which only an inbound message opens: compiled, not run. */
export function replyInConversation(ponte: PonteClient, conversationId: string) {
  return ponte.POST('/v1/conversations/{id}/messages', {
    params: { path: { id: conversationId } },
    body: { text: 'Seu pedido está pronto!' },
  });
}

export const exampleClient = () =>
  createPonteClient({ baseUrl: 'http://localhost:3000', apiKey: 'pk_example' });

/**
 * Analytics and CRM writes with the bodies an integrator would send: compiled (no casts), not run
 * here (their e2e tests run them against live fakes).
 */
export async function analyticsAndCrmWrites(ponte: PonteClient) {
  const rule = await ponte.POST('/v1/alerts/rules', {
    body: {
      name: 'Fila de reenvio acima de 100',
      metric: 'queue.retrying',
      condition: 'gt',
      threshold: 100,
      window: 'PT1M',
      channels: [
        { type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
        { type: 'email', to: ['ops@clinica.com.br'] },
      ],
    },
  });
  const preset = await ponte.POST('/v1/alerts/rules', {
    body: {
      preset: 'retry-queue-over-100',
      channels: [{ type: 'discord', url: 'https://discord.com/api/webhooks/1/x' }],
    },
  });
  const ruleUpdate = await ponte.PATCH('/v1/alerts/rules/{id}', {
    params: { path: { id: rule.data?.id ?? '' } },
    body: { threshold: 200, enabled: false },
  });
  const schedule = await ponte.PUT('/v1/analytics/report-schedule', {
    body: {
      recipients: ['gestao@clinica.com.br'],
      format: 'pdf',
      weekday: 'mon',
      hour: 8,
      timeZone: 'America/Sao_Paulo',
    },
  });
  const portal = await ponte.POST('/v1/crm/connections', {
    body: { mode: 'install', name: 'Portal da clínica' },
  });
  return { rule, preset, ruleUpdate, schedule, portal };
}
