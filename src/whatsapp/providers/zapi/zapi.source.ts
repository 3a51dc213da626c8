import { Injectable } from '@nestjs/common';
import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import {
  SourceKindPlugin,
  type SourceConfig,
  type SourceKindHandler,
} from '../../../events/sources/source-kind';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import { randomToken } from '../../../platform/crypto/constant-time';
import { normaliseZapi } from './zapi.normaliser';
import { verifyZapi } from './zapi.verifier';

/** Z-API webhooks: it signs nothing, so the URL carries a secret token (generated when omitted). */
@Injectable()
@SourceKindPlugin('zapi', {
  config: {
    token: {
      type: 'string',
      secret: true,
      generate: () => randomToken('', 24),
      description: 'The secret path token Z-API posts to',
    },
  },
})
export class ZapiSource implements SourceKindHandler {
  verify(config: SourceConfig, req: InboundRequest) {
    return verifyZapi(config, req);
  }

  normalise(input: NormaliseInput) {
    return normaliseZapi(input);
  }

  /** The token is part of the URL, so the full URL is part of the secret shown once. */
  urlOnCreate(url: string, config: SourceConfig): string {
    return `${url}?token=${config.token}`;
  }
}
