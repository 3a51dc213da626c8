import { Injectable } from '@nestjs/common';
import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import {
  SourceKindPlugin,
  type SourceConfig,
  type SourceKindHandler,
} from '../../../events/sources/source-kind';
import type { InboundRequest, VerificationContext } from '../../../events/verification/inbound-request';
import { rejected } from '../../../events/verification/request-fields';
import { normaliseTwilio } from './twilio.normaliser';
import { verifyTwilio } from './twilio.verifier';

/** Twilio webhooks (WhatsApp and SMS): X-Twilio-Signature over the full public URL; answered with TwiML. */
@Injectable()
@SourceKindPlugin('twilio', {
  config: {
    authToken: {
      type: 'string',
      required: true,
      secret: true,
      description: "The Twilio account's auth token: checks X-Twilio-Signature",
    },
  },
})
export class TwilioSource implements SourceKindHandler {
  readonly acknowledgement = {
    contentType: 'text/xml',
    body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
  };

  verify(config: SourceConfig, req: InboundRequest, ctx: VerificationContext) {
    // Twilio signs the URL it called: without our public URL nothing can match.
    if (typeof ctx?.publicUrl !== 'string' || ctx.publicUrl === '') return rejected('signature_invalid');
    return verifyTwilio(config, req, ctx.publicUrl);
  }

  normalise(input: NormaliseInput) {
    return normaliseTwilio(input);
  }
}
