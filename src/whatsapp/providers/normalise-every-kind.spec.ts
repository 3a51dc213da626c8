import { createHash } from 'node:crypto';
import type { NormaliseInput } from '../../events/normalisers/canonical-event';
import { MAX_EVENTS_PER_PAYLOAD, normalise as normaliseWith } from '../../events/normalisers/normalise';
import { Bitrix24Source } from '../../crm/bitrix24/source/bitrix24.source';
import type { SourceKindHandler } from '../../events/sources/source-kind';
import { StandardSource } from '../../events/sources/standard/standard.source';
import { MetaSource } from './meta/meta.source';
import { TwilioSource } from './twilio/twilio.source';
import { WahaSource } from './waha/waha.source';
import { ZapiSource } from './zapi/zapi.source';

/** Every source kind of the app, as declared: WhatsApp's here, Standard and Bitrix24 in events. */
const KINDS: Record<string, SourceKindHandler> = {
  meta: new MetaSource(),
  twilio: new TwilioSource(),
  zapi: new ZapiSource(),
  waha: new WahaSource(),
  bitrix24: new Bitrix24Source(),
  standard: new StandardSource(),
};

/** The dispatcher with the normaliser of the input's kind, as the ingest path calls it. */
const normalise = (input: NormaliseInput) => normaliseWith(input, KINDS[input?.kind]);

const receivedAt = new Date('2026-05-12T15:00:00.000Z');

function input(
  kind: NormaliseInput['kind'],
  body: unknown,
  rawBody = Buffer.from(JSON.stringify(body) ?? ''),
): NormaliseInput {
  return { kind, body, rawBody, headers: {}, receivedAt };
}

const text = (id: string) => ({
  from: '5511999999999',
  id,
  timestamp: '1749416383',
  type: 'text',
  text: { body: id },
});
const metaBody = (messages: unknown[]) => ({
  object: 'whatsapp_business_account',
  entry: [{ changes: [{ field: 'messages', value: { metadata: {}, messages } }] }],
});

describe('normalise', () => {
  it('keys unknown payloads by the sha256 of the exact raw bytes', () => {
    const raw = Buffer.from('{"event":"session.status","payload":{"status":"WORKING"}}');
    const [event] = normalise(input('waha', JSON.parse(raw.toString()), raw));
    expect(event.dedupeKey).toBe(`raw:${createHash('sha256').update(raw).digest('hex')}`);
  });

  it('never throws and never returns nothing, whatever it is given', () => {
    const garbage: unknown[] = [undefined, null, 0, 'text', [], [1, 2], { entry: [null] }, { payload: [] }];
    const kinds: NormaliseInput['kind'][] = ['meta', 'twilio', 'zapi', 'waha', 'bitrix24', 'standard'];
    for (const kind of kinds) {
      for (const body of garbage) {
        const events = normalise(input(kind, body));
        expect(events.length).toBeGreaterThan(0);
        for (const e of events) expect(e.type).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
      }
    }
  });

  it('survives a hostile caller: no raw body, an unknown kind, an invalid date, a throwing getter', () => {
    const hostile = {
      get entry(): unknown[] {
        throw new Error('boom');
      },
      object: 'whatsapp_business_account',
    };
    const events = normalise({
      kind: 'meta',
      body: hostile,
      rawBody: undefined as unknown as Buffer,
      headers: {},
      receivedAt,
    });
    expect(events.map((e) => e.type)).toEqual(['meta.unknown']);
    expect(events[0].data.payload).toBe(hostile);
    const odd = normalise({
      ...input('meta', {}),
      kind: 'nonsense',
      receivedAt: new Date('x'),
    });
    expect(odd).toMatchObject([{ type: 'source.unknown' }]);
    expect(Number.isNaN(odd[0].occurredAt.getTime())).toBe(false);
  });

  it('stops after the cap and keeps the whole payload beside what it read', () => {
    const messages = Array.from({ length: MAX_EVENTS_PER_PAYLOAD + 5 }, (_, i) => text(`wamid.${i}`));
    const events = normalise(input('meta', metaBody(messages)));
    expect(events).toHaveLength(MAX_EVENTS_PER_PAYLOAD + 1);
    expect(events[MAX_EVENTS_PER_PAYLOAD - 1].dedupeKey).toBe(`msg:wamid.${MAX_EVENTS_PER_PAYLOAD - 1}`);
    expect(events[MAX_EVENTS_PER_PAYLOAD].type).toBe('meta.unknown');
  });

  it('bounds the work spent on a payload of garbage items', () => {
    const events = normalise(input('meta', metaBody(Array.from({ length: 50_000 }, () => 'x'))));
    expect(events).toMatchObject([{ type: 'meta.unknown' }]);
  });

  it('shortens over-long keys to a stable hash', () => {
    const longId = `wamid.${'A'.repeat(500)}`;
    const [first] = normalise(input('meta', metaBody([text(longId)])));
    expect(first.dedupeKey).toMatch(/^msg:sha256:[0-9a-f]{64}$/);
    expect(normalise(input('meta', metaBody([text(longId)])))[0].dedupeKey).toBe(first.dedupeKey);
    expect(first.data.messageId).toBe(longId);
  });
});
