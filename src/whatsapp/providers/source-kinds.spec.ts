import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Bitrix24Source } from '../../crm/bitrix24/source/bitrix24.source';
import { SOURCE_KINDS, SourceKindPlugin, SourceKinds } from '../../events/sources/source-kind';
import { JsonSource } from '../../events/sources/json/json.source';
import { StandardSource } from '../../events/sources/standard/standard.source';
import { rejected } from '../../events/verification/request-fields';
import { PluginRegistry } from '../../platform/plugins/plugin-registry';
import { MetaSource } from './meta/meta.source';
import { TwilioSource } from './twilio/twilio.source';
import { WahaSource } from './waha/waha.source';
import { ZapiSource } from './zapi/zapi.source';

/** What the app declares: WhatsApp's four from here, Standard and Bitrix24 from events. */
const DECLARED = [
  MetaSource,
  TwilioSource,
  ZapiSource,
  WahaSource,
  Bitrix24Source,
  StandardSource,
  JsonSource,
];

const stub = { verify: () => rejected('signature_invalid'), normalise: () => [] };

@Injectable()
@SourceKindPlugin('meta', { config: {} })
class AnotherMeta {
  verify = stub.verify;
  normalise = stub.normalise;
}

@Injectable()
@SourceKindPlugin('github', { config: {} })
class GithubSource {
  verify = stub.verify;
  normalise = stub.normalise;
}

async function start(...providers: Array<new (...args: never[]) => unknown>) {
  @Module({ imports: [DiscoveryModule], providers: [PluginRegistry, SourceKinds, ...providers] })
  class Host {}
  const ref = await Test.createTestingModule({ imports: [Host] }).compile();
  await ref.init();
  return ref.get(SourceKinds);
}

describe('source kinds', () => {
  it('are found at start-up, in the order the API publishes them', async () => {
    const kinds = await start(...[...DECLARED].reverse());
    expect(kinds.names()).toEqual([...SOURCE_KINDS]);
    expect(kinds.find('meta')?.handler).toBeInstanceOf(MetaSource);
    expect(Object.keys(kinds.find('meta')?.config ?? {})).toEqual(['appSecret', 'verifyToken']);
    expect(kinds.find('bitrix24')?.handler).toBeInstanceOf(Bitrix24Source);
    expect(kinds.find('github')).toBeUndefined();
  });

  it('refuse to start on a kind declared twice, naming both', async () => {
    await expect(start(...DECLARED, AnotherMeta)).rejects.toThrow(
      'source kind "meta" is declared 2 times: MetaSource, AnotherMeta',
    );
  });

  it('refuse to start when a published kind is not declared', async () => {
    await expect(start(...DECLARED.filter((k) => k !== WahaSource))).rejects.toThrow(
      'source kind "waha" has no handler',
    );
  });

  it('refuse to start on a declared kind the API does not publish', async () => {
    await expect(start(...DECLARED, GithubSource)).rejects.toThrow(
      'source kind "github" on GithubSource is not in SOURCE_KINDS (src/events/sources/source-kind.ts)',
    );
  });
});
