import { Injectable } from '@nestjs/common';
import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import {
  SourceKindPlugin,
  type SourceConfig,
  type SourceKindHandler,
} from '../../../events/sources/source-kind';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import { normaliseMeta } from './meta.normaliser';
import { metaChallenge, verifyMeta } from './meta.verifier';

/** Meta Cloud API webhooks: X-Hub-Signature-256 on posts, the verify-token handshake on GET. */
@Injectable()
@SourceKindPlugin('meta', {
  config: {
    appSecret: {
      type: 'string',
      required: true,
      secret: true,
      description: "The Meta app's secret: checks X-Hub-Signature-256",
    },
    verifyToken: {
      type: 'string',
      required: true,
      secret: true,
      description: "The token Meta's subscription handshake sends as hub.verify_token",
    },
  },
})
export class MetaSource implements SourceKindHandler {
  verify(config: SourceConfig, req: InboundRequest) {
    return verifyMeta(config, req);
  }

  handshake(config: SourceConfig, query: InboundRequest['query']) {
    return metaChallenge(config, query);
  }

  normalise(input: NormaliseInput) {
    return normaliseMeta(input);
  }
}
