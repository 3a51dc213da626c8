import { OutboundHttp } from '../../src/platform/outbound/outbound-http';
import { MetaAdapter, type MetaConfig } from '../../src/whatsapp/providers/meta/meta.adapter';
import type { OutgoingMessage, ProviderAccount } from '../../src/notifications/providers/provider-adapter';
import { SendFailure } from '../../src/notifications/providers/provider-adapter';
import { FakeMetaGraph } from '../fakes/meta-graph';

/** The Meta adapter against the fake Graph API: every message shape, mark-read, errors. */
describe('MetaAdapter', () => {
  const fake = new FakeMetaGraph({ accessToken: 'EAAG-token', phoneNumberId: '1065' });
  const http = new OutboundHttp({
    allowPrivate: true,
    timeoutMs: 2000,
    maxResponseBytes: 65536,
    userAgent: 'ponte-test',
  });
  const adapter = new MetaAdapter(http);
  let account: ProviderAccount<MetaConfig>;
  const message = (extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
    notificationId: 'n1',
    channel: 'whatsapp',
    to: '+5531992953088',
    content: { subject: null, text: 'Seu boleto', html: null, whatsapp: null },
    ...extra,
  });

  beforeAll(async () => {
    await fake.start();
    account = {
      id: 'p1',
      workspaceId: 'w1',
      kind: 'meta',
      version: 'v1',
      config: { accessToken: 'EAAG-token', phoneNumberId: '1065', apiVersion: 'v24.0', baseUrl: fake.url },
      rateLimitPerSecond: null,
    };
  });
  afterAll(async () => {
    await fake.stop();
    await http.close();
  });
  beforeEach(() => fake.reset());

  it('sends a document, an image and reply buttons the way Graph validates them', async () => {
    await adapter.send(
      account,
      message({ media: { type: 'document', url: 'https://x.test/b.pdf', filename: 'b.pdf' } }),
    );
    await adapter.send(account, message({ media: { type: 'image', url: 'https://x.test/a.png' } }));
    await adapter.send(
      account,
      message({
        buttons: [
          { id: 'yes', title: 'Pagar' },
          { id: 'no', title: 'Depois' },
        ],
      }),
    );
    expect(fake.sentMessages().map((m) => [m.version, m.type])).toEqual([
      ['v24.0', 'document'],
      ['v24.0', 'image'],
      ['v24.0', 'interactive'],
    ]);
    expect(fake.sentMessages()[0].body.document).toEqual({
      link: 'https://x.test/b.pdf',
      filename: 'b.pdf',
      caption: 'Seu boleto',
    });
  });

  it('marks an inbound message read', async () => {
    await adapter.markRead(account, 'wamid.HBgMNTUzMTkyOTUzMDg4FQIAEhg=');
    expect(fake.markedRead()).toEqual(['wamid.HBgMNTUzMTkyOTUzMDg4FQIAEhg=']);
  });

  it('classifies failures: bad token permanent, throughput transient, closed window skips the channel', async () => {
    const wrong = { ...account, config: { ...account.config, accessToken: 'nope' }, version: 'v2' };
    await expect(adapter.send(wrong, message())).rejects.toMatchObject({ kind: 'permanent', code: '190' });
    fake.rateLimitAfter(0);
    await expect(adapter.send(account, message())).rejects.toMatchObject({
      kind: 'transient',
      code: '130429',
    });
    fake.rateLimitAfter(undefined);
    fake.windowClosedSync(true);
    const err: unknown = await adapter.send(account, message()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendFailure);
    expect(err).toMatchObject({ kind: 'channel', code: '131047' });
  });

  it('a provider that does not answer is a transient network failure', async () => {
    fake.failNext(1, { destroy: true });
    await expect(adapter.send(account, message())).rejects.toMatchObject({
      kind: 'transient',
      code: 'network',
    });
  });
});
