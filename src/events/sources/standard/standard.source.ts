import { Injectable } from '@nestjs/common';
import { webhookSecret } from '../../../platform/crypto/constant-time';
import type { FieldError } from '../../../platform/http/problem';
import type { NormaliseInput } from '../../normalisers/canonical-event';
import type { InboundRequest, VerificationContext } from '../../verification/inbound-request';
import { SourceKindPlugin, type SourceConfig, type SourceKindHandler } from '../source-kind';
import { normaliseStandard } from './standard.normaliser';
import { verifyStandard } from './standard.verifier';

/** The business's own systems, posting Standard Webhooks (`whsec_` secret, generated when omitted). */
@Injectable()
@SourceKindPlugin('standard', {
  config: {
    secret: {
      type: 'string',
      secret: true,
      generate: webhookSecret,
      description: 'The Standard Webhooks signing secret (whsec_...)',
    },
  },
})
export class StandardSource implements SourceKindHandler {
  verify(config: SourceConfig, req: InboundRequest, ctx: VerificationContext) {
    return verifyStandard(config, req, ctx);
  }

  normalise(input: NormaliseInput) {
    return normaliseStandard(input);
  }

  checkConfig(config: SourceConfig): FieldError[] {
    if (typeof config.secret !== 'string' || /^whsec_[A-Za-z0-9+/=]{16,}$/.test(config.secret)) return [];
    return [
      {
        field: 'config.secret',
        message: 'secret must be whsec_ followed by base64 (at least 16 characters)',
      },
    ];
  }
}
