import { maskPii, maskString } from './redact';

const PHONE = '5531992953088';

function metaWebhook() {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA_ID',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              contacts: [{ profile: { name: 'João Silva' }, wa_id: PHONE }],
              messages: [
                { from: PHONE, id: 'wamid.X', type: 'text', text: { body: 'Quero pagar meu boleto' } },
              ],
            },
          },
        ],
      },
    ],
  };
}

describe('maskPii', () => {
  it('leaves no phone, name or message text from a Meta webhook payload', () => {
    const payload = metaWebhook();
    const json = JSON.stringify(maskPii(payload));
    for (const leak of [PHONE, '992953088', 'João', 'Silva', 'Quero', 'boleto'])
      expect(json).not.toContain(leak);

    const value = (maskPii(payload) as ReturnType<typeof metaWebhook>).entry[0].changes[0].value;
    expect(value.contacts[0]).toEqual({ profile: { name: 'J•••' }, wa_id: '•••••3088' });
    expect(value.messages[0]).toEqual({
      from: '•••••3088',
      id: 'wamid.X',
      type: 'text',
      text: { body: '[TEXT len=22]' },
    });
    expect(value.messaging_product).toBe('whatsapp');
    expect(payload.entry[0].changes[0].value.messages[0].from).toBe(PHONE);
  });

  it('redacts secrets by key name, whatever the value', () => {
    const masked = maskPii({
      password: 'hunter2',
      headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'pk_1' },
      api_key: 'x',
      apiKey: 'y',
      key: 'z',
      accessToken: 'EAAG',
      refreshToken: 'r',
      clientToken: 'c',
      appSecret: { nested: 'object' },
      hmacKey: Buffer.from('k'),
      webhookVerifyToken: 'v',
      token: null,
    });
    expect(masked).toEqual({
      password: '[REDACTED]',
      headers: { authorization: '[REDACTED]', cookie: '[REDACTED]', 'x-api-key': '[REDACTED]' },
      api_key: '[REDACTED]',
      apiKey: '[REDACTED]',
      key: '[REDACTED]',
      accessToken: '[REDACTED]',
      refreshToken: '[REDACTED]',
      clientToken: '[REDACTED]',
      appSecret: '[REDACTED]',
      hmacKey: '[REDACTED]',
      webhookVerifyToken: '[REDACTED]',
      token: null,
    });
  });

  it('keeps a hint of personal fields', () => {
    expect(
      maskPii({
        phone: '+55 (31) 99295-3088',
        waId: 5531992953088,
        email: 'joao.silva@example.com',
        to: 'maria@example.com.br',
        caption: 'foto do RG',
        contactName: 'Maria',
        cpf: '123.456.789-09',
        cnpj: '12345678000190',
        address: { street: 'Rua das Flores, 12', city: 'Belo Horizonte' },
        location: { latitude: -19.9, longitude: -43.9 },
      }),
    ).toEqual({
      phone: '•••••3088',
      waId: '•••••3088',
      email: 'j•••@example.com',
      to: 'm•••@example.com.br',
      caption: '[TEXT len=10]',
      contactName: 'M•••',
      cpf: '•••••09',
      cnpj: '•••••90',
      address: { street: '[TEXT len=18]', city: '[TEXT len=14]' },
      location: { latitude: '[GEO]', longitude: '[GEO]' },
    });
  });

  it('masks e-mails and phone numbers inside any other string', () => {
    const masked = maskPii({ note: `cliente ${PHONE} / +55 31 99295-3088 / joao@example.com` });
    expect(masked).toEqual({ note: 'cliente •••••3088 / •••••3088 / j•••@example.com' });
    expect(maskPii([`tel:(31) 3222-1234`])).toEqual(['tel:•••••1234']);
  });

  it('handles arrays, Buffers, Dates, Maps and Sets', () => {
    const at = new Date('2025-01-02T03:04:05.000Z');
    expect(
      maskPii({
        to: [PHONE, '5511987654321'],
        media: Buffer.alloc(2048),
        bytes: new Uint8Array(3),
        at,
        byWaId: new Map([['c1', { wa_id: PHONE }]]),
        tags: new Set(['vip']),
        fn: () => 1,
      }),
    ).toEqual({
      to: ['•••••3088', '•••••4321'],
      media: '[Buffer len=2048]',
      bytes: '[Uint8Array len=3]',
      at,
      byWaId: { c1: { wa_id: '•••••3088' } },
      tags: ['vip'],
      fn: undefined,
    });
    const long = maskPii(Array.from({ length: 150 }, (_, i) => i)) as unknown[];
    expect(long).toHaveLength(101);
    expect(long[100]).toBe('[…50 more]');
  });

  it('keeps the error type and masks message, stack, cause and extra fields', () => {
    const cause = new Error(`lookup failed for ${PHONE}`);
    const err = Object.assign(new TypeError(`cannot send to joao@example.com`, { cause }), {
      code: 'E_SEND',
      phone: PHONE,
    });
    const masked = maskPii(err) as Record<string, unknown>;
    expect(masked.type).toBe('TypeError');
    expect(masked.message).toBe('cannot send to j•••@example.com');
    expect(masked.stack).toContain('TypeError: cannot send to j•••@example.com');
    expect(masked.code).toBe('E_SEND');
    expect(masked.phone).toBe('•••••3088');
    expect((masked.cause as Record<string, unknown>).message).toBe('lookup failed for •••••3088');
    expect(JSON.stringify(masked)).not.toMatch(/joao@|992953088/);

    class ChannelError extends Error {
      constructor(message: string) {
        super(message);
        this.name = 'ChannelError';
      }
    }
    expect(maskPii(new ChannelError('x'))).toMatchObject({ type: 'ChannelError', message: 'x' });
  });

  it('limits depth and survives cycles', () => {
    const deep = { l1: { l2: { l3: { l4: { l5: { l6: { l7: { phone: PHONE } } } } } } } };
    expect(JSON.stringify(maskPii(deep))).toContain('"l6":{"l7":"[…]"}');

    const cyclic: Record<string, unknown> = { id: 'c1' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic];
    expect(maskPii(cyclic)).toEqual({ id: 'c1', self: '[Circular]', list: ['[Circular]'] });

    const shared = { wa_id: PHONE };
    expect(maskPii({ a: shared, b: shared })).toEqual({
      a: { wa_id: '•••••3088' },
      b: { wa_id: '•••••3088' },
    });
  });

  it('passes primitives through and masks top-level strings', () => {
    expect(maskPii(42)).toBe(42);
    expect(maskPii(true)).toBe(true);
    expect(maskPii(null)).toBeNull();
    expect(maskPii(undefined)).toBeUndefined();
    expect(maskPii(`ligar ${PHONE}`)).toBe('ligar •••••3088');
  });
});

describe('maskString', () => {
  it.each([
    [`from ${PHONE}`, 'from •••••3088'],
    ['ligue (31) 99295-3088 hoje', 'ligue •••••3088 hoje'],
    ['+55 31 9 9295 3088.', '•••••3088.'],
    ['contato: joao.silva+vip@empresa.com.br', 'contato: j•••@empresa.com.br'],
    ['CPF 123.456.789-09, CNPJ 12.345.678/0001-90', 'CPF [CPF], CNPJ [CNPJ]'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 'Authorization: Bearer [REDACTED]'],
    [
      'GET /webhook?hub.mode=subscribe&hub.verify_token=s3cr3t&x=1',
      'GET /webhook?hub.mode=subscribe&hub.verify_token=[REDACTED]&x=1',
    ],
    ['login with password: hunter2 ok', 'login with password: [REDACTED] ok'],
    ['{"client_secret":"abc123"}', '{"client_secret":"[REDACTED]"}'],
    ['meta EAAGm0PX4ZCpsBAO2xZBq7ZCZAZBZBxyz1234567890abcdef rejected', 'meta [REDACTED] rejected'],
    ['api key pk_Zk3mQ9v0Xw2LrT8bYc4NdE6fHg1JaS5u created', 'api key [REDACTED] created'],
  ])('masks %j', (input, expected) => {
    expect(maskString(input)).toBe(expected);
  });

  it.each([
    'job send_order_confirmation_template_message done',
    'workspace 550e8400-e29b-41d4-a716-446655440000',
    'at 2025-11-22T19:35:00.123Z and 2025-11-22 19:35',
    'took 1234 ms, retry 3 of 5, total R$ 1.234.567,89, 12345678.90',
    'wamid.HBgNNTUzMTk5Mjk1MzA4OBUCABIYFjNFQjBDMzk',
    'short',
  ])('leaves %j alone', (input) => {
    expect(maskString(input)).toBe(input);
  });

  it('is idempotent', () => {
    const once = maskString(`joao@example.com ${PHONE} token=abc`);
    expect(maskString(once)).toBe(once);
  });
});
