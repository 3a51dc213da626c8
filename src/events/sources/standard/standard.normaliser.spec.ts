import type { NormaliseInput } from '../../normalisers/canonical-event';
import { normalise as normaliseWith } from '../../normalisers/normalise';
import { StandardSource } from './standard.source';

const normalise = (input: NormaliseInput) => normaliseWith(input, new StandardSource());

const receivedAt = new Date('2026-05-12T15:00:00.000Z');

function standardInput(
  body: unknown,
  webhookId: string | string[] | null = 'msg_2bZ9y1WvPvQ',
): NormaliseInput {
  return {
    kind: 'standard',
    body,
    rawBody: Buffer.from(JSON.stringify(body) ?? ''),
    headers: {
      'webhook-id': webhookId ?? undefined,
      'webhook-timestamp': '1778598000',
      'webhook-signature': 'v1,x',
    },
    receivedAt,
  };
}

const lead = {
  type: 'lead.created',
  timestamp: '2026-05-12T14:59:58.000Z',
  data: { name: 'Maria Silva', phone: '+5511999999999', utm: { campaign: 'maio' } },
};

describe('normalise standard', () => {
  it('takes the payload type, timestamp and data, keyed by webhook-id', () => {
    expect(normalise(standardInput(lead))).toEqual([
      {
        type: 'lead.created',
        occurredAt: new Date('2026-05-12T14:59:58.000Z'),
        dedupeKey: 'wh:msg_2bZ9y1WvPvQ',
        data: { name: 'Maria Silva', phone: '+5511999999999', utm: { campaign: 'maio' } },
      },
    ]);
  });

  it('falls back to the receipt time and an empty data object', () => {
    const [event] = normalise(
      standardInput({ type: 'service.completed', timestamp: 'yesterday' }, ['msg_1', 'msg_2']),
    );
    expect(event).toEqual({
      type: 'service.completed',
      occurredAt: receivedAt,
      dedupeKey: 'wh:msg_1',
      data: {},
    });
  });

  it('types payloads without a dotted lower-case type as standard.unknown, still keyed by webhook-id', () => {
    for (const body of [
      { type: 'Lead Created', data: {} },
      { type: 'lead', data: {} },
      { type: 'lead.created', data: 'not an object' },
      { event_type: 'ping', data: { success: true } },
      ['lead.created'],
    ]) {
      expect(normalise(standardInput(body))).toEqual([
        {
          type: 'standard.unknown',
          occurredAt: receivedAt,
          dedupeKey: 'wh:msg_2bZ9y1WvPvQ',
          data: { payload: body },
        },
      ]);
    }
  });

  it('keys by the raw body when webhook-id is missing', () => {
    const [event] = normalise(standardInput(lead, null));
    expect(event.type).toBe('lead.created');
    expect(event.dedupeKey).toMatch(/^raw:[0-9a-f]{64}$/);
    expect(normalise(standardInput(lead, null))[0].dedupeKey).toBe(event.dedupeKey);
  });
});
