import { Injectable } from '@nestjs/common';
import { MetaAdapter } from '../../whatsapp/providers/meta/meta.adapter';
import type { ProviderAdapter } from './provider-adapter';
import type { ProviderKind } from './provider.entity';
import { SandboxAdapter } from './sandbox/sandbox.adapter';
import { SendGridAdapter } from './sendgrid/sendgrid.adapter';
import { SmtpAdapter } from './smtp/smtp.adapter';
import { TwilioAdapter } from '../../whatsapp/providers/twilio/twilio.adapter';
import { WahaAdapter } from '../../whatsapp/providers/waha/waha.adapter';
import { ZapiAdapter } from '../../whatsapp/providers/zapi/zapi.adapter';

/** The adapter of each provider kind. */
@Injectable()
export class ProviderAdapters {
  private readonly byKind: Map<ProviderKind, ProviderAdapter>;

  constructor(
    sandbox: SandboxAdapter,
    meta: MetaAdapter,
    twilio: TwilioAdapter,
    smtp: SmtpAdapter,
    zapi: ZapiAdapter,
    waha: WahaAdapter,
    sendgrid: SendGridAdapter,
  ) {
    const all = [sandbox, meta, twilio, smtp, zapi, waha, sendgrid] as ProviderAdapter[];
    this.byKind = new Map(all.map((a) => [a.kind, a]));
  }

  get(kind: ProviderKind): ProviderAdapter {
    const adapter = this.byKind.get(kind);
    if (!adapter) throw new Error(`No adapter for provider kind ${kind}`);
    return adapter;
  }
}
