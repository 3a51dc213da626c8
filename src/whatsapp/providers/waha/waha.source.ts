import { Injectable } from '@nestjs/common';
import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import {
  SourceKindPlugin,
  type SourceConfig,
  type SourceKindHandler,
} from '../../../events/sources/source-kind';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import { normaliseWaha } from './waha.normaliser';
import { verifyWaha } from './waha.verifier';

/** WAHA (self-hosted WhatsApp HTTP API) webhooks: X-Webhook-Hmac with the session's HMAC key. */
@Injectable()
@SourceKindPlugin('waha', {
  config: {
    hmacKey: {
      type: 'string',
      required: true,
      secret: true,
      description: "WAHA's HMAC key: checks X-Webhook-Hmac",
    },
  },
})
export class WahaSource implements SourceKindHandler {
  verify(config: SourceConfig, req: InboundRequest) {
    return verifyWaha(config, req);
  }

  normalise(input: NormaliseInput) {
    return normaliseWaha(input);
  }
}
