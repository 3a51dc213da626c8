import { Injectable } from '@nestjs/common';
import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import type { InboundRequest } from '../../../events/verification/inbound-request';
import {
  SourceKindPlugin,
  type SourceConfig,
  type SourceKindHandler,
} from '../../../events/sources/source-kind';
import { bitrix24UnknownPayload, normaliseBitrix24 } from './bitrix24.normaliser';
import { verifyBitrix24 } from './bitrix24.verifier';

/**
 * Bitrix24 Open Channels events. This folder is the whole kind: a module that takes Bitrix24 over
 * (the CRM module) moves it and lists `Bitrix24Source` among its own providers.
 */
@Injectable()
@SourceKindPlugin('bitrix24', {
  config: {
    applicationToken: {
      type: 'string',
      secret: true,
      description: "The Bitrix24 application's token, checked on each event",
    },
    memberId: { type: 'string', description: 'The Bitrix24 portal (member_id) events must come from' },
  },
})
export class Bitrix24Source implements SourceKindHandler {
  verify(config: SourceConfig, req: InboundRequest) {
    return verifyBitrix24(config, req);
  }

  normalise(input: NormaliseInput) {
    return normaliseBitrix24(input);
  }

  /** Its payloads carry the install's credentials: those are left out of what is stored. */
  unknownPayload(input: NormaliseInput) {
    return bitrix24UnknownPayload(input);
  }
}
