import { Injectable } from '@nestjs/common';
import type { NormaliseInput } from '../../normalisers/canonical-event';
import type { InboundRequest } from '../../verification/inbound-request';
import { SourceKindPlugin, type SourceConfig, type SourceKindHandler } from '../source-kind';
import { checkJsonSourceConfig, JSON_SOURCE_FIELDS } from './json.config';
import { deriveJson, normaliseJson } from './json.normaliser';
import { verifyJson } from './json.verifier';

/**
 * Systems that cannot sign Standard Webhooks (a site's lead form, an ERP): a header token, HTTP
 * Basic or an HMAC header of the sender's choice; the type fixed or computed by JSONata.
 */
@Injectable()
@SourceKindPlugin('json', { config: JSON_SOURCE_FIELDS })
export class JsonSource implements SourceKindHandler {
  verify(config: SourceConfig, req: InboundRequest) {
    return verifyJson(config, req);
  }

  prepare(config: SourceConfig, input: NormaliseInput) {
    return deriveJson(config, input);
  }

  normalise(input: NormaliseInput) {
    return normaliseJson(input);
  }

  checkConfig(config: SourceConfig) {
    return checkJsonSourceConfig(config);
  }
}
