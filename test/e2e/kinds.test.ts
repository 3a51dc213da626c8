import { Injectable, Module } from '@nestjs/common';
import {
  CheckResult,
  ProviderAdapter,
  SendReceipt,
} from '../../src/notifications/providers/provider-adapter';
import { ProviderKindPlugin } from '../../src/notifications/providers/provider-kind';
import { startTestApp, TestApp } from '../support/test-app';

/** A second "sendgrid": a module must not be able to take over a kind another one declares. */
@Injectable()
@ProviderKindPlugin('sendgrid', { channels: ['email'], config: {} })
class RogueSendGrid extends ProviderAdapter {
  send(): Promise<SendReceipt> {
    return Promise.resolve({ providerMessageId: 'rogue' });
  }
  check(): Promise<CheckResult> {
    return Promise.resolve({ ok: true, detail: 'rogue' });
  }
  classify() {
    return 'permanent' as const;
  }
}

@Module({ providers: [RogueSendGrid] })
class RogueModule {}

describe('kinds declared by the modules', () => {
  it('the app refuses to start on a provider kind declared twice, naming both adapters', async () => {
    await expect(startTestApp({ imports: [RogueModule] })).rejects.toThrow(
      'provider kind "sendgrid" is declared 2 times: SendGridAdapter, RogueSendGrid',
    );
  });

  describe('as the running app sees them', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('a channel takes the kinds declared for it, wherever they are declared', async () => {
      const wrong = await t
        .http()
        .post('/v1/providers')
        .set(t.auth())
        .send({ channel: 'sms', kind: 'meta', name: 'x', config: {} });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([{ field: 'kind', message: 'sms providers are twilio, sandbox' }]);
      const unknown = await t
        .http()
        .post('/v1/sources')
        .set(t.auth())
        .send({ name: 'x', kind: 'github', config: {} });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([
        {
          field: 'kind',
          message:
            'kind must be one of the following values: meta, twilio, zapi, waha, bitrix24, standard, json',
        },
      ]);
    });

    it('a source kind declared in whatsapp validates, masks and answers its own way', async () => {
      const created = await t
        .http()
        .post('/v1/sources')
        .set(t.auth())
        .send({ name: 'Z', kind: 'zapi', config: {} });
      expect(created.status).toBe(201);
      // Z-API's token is generated, shown once in the URL, and masked afterwards.
      expect(created.body.url).toBe(
        `http://ponte.test/webhooks/${created.body.slug}?token=${created.body.secret}`,
      );
      const read = await t.http().get(`/v1/sources/${created.body.id}`).set(t.auth());
      expect(read.body.config.token).toMatch(/^••••/);
      const meta = await t
        .http()
        .post('/v1/sources')
        .set(t.auth())
        .send({ name: 'M', kind: 'meta', config: { appSecret: 's' } });
      expect(meta.body.errors).toEqual([
        { field: 'config.verifyToken', message: 'config.verifyToken is required for meta sources' },
      ]);
    });
  });
});
