import { parseFormBody } from '../../../platform/http/body-parsers';
import type { NormaliseInput } from '../../../events/normalisers/canonical-event';
import { normalise as normaliseWith } from '../../../events/normalisers/normalise';
import { TwilioSource } from './twilio.source';

const normalise = (input: NormaliseInput) => normaliseWith(input, new TwilioSource());

const receivedAt = new Date('2026-05-12T15:00:00.000Z');

/** A form body as the HTTP layer hands it over: flat record plus the exact bytes. */
function twilioInput(form: string): NormaliseInput {
  const rawBody = Buffer.from(form);
  return { kind: 'twilio', body: parseFormBody(rawBody), rawBody, headers: {}, receivedAt };
}

describe('normalise twilio', () => {
  it('reads an inbound WhatsApp message (captured payload, reference §2.3)', () => {
    const form =
      'SmsMessageSid=SM01cd0000000000000000000000000000&NumMedia=0&ProfileName=Jhonata' +
      '&SmsSid=SM01cd0000000000000000000000000000&WaId=558282136275&SmsStatus=received&Body=Ol%C3%A1' +
      '&To=whatsapp%3A%2B14155238886&NumSegments=1&ReferralNumMedia=0&MessageSid=SM01cd0000000000000000000000000000' +
      '&AccountSid=AC00000000000000000000000000000000&From=whatsapp%3A%2B558282136275&ApiVersion=2010-04-01';
    expect(normalise(twilioInput(form))).toEqual([
      {
        type: 'whatsapp.message.received',
        occurredAt: receivedAt,
        dedupeKey: 'msg:SM01cd0000000000000000000000000000',
        data: {
          provider: 'twilio',
          from: '558282136275',
          rawFrom: 'whatsapp:+558282136275',
          to: '14155238886',
          messageId: 'SM01cd0000000000000000000000000000',
          contactName: 'Jhonata',
          kind: 'text',
          text: 'Olá',
          media: null,
          timestamp: receivedAt.toISOString(),
        },
      },
    ]);
  });

  it('reads an inbound SMS as sms.message.received', () => {
    const form =
      'MessageSid=SM1&SmsStatus=received&From=%2B5511988887777&To=%2B15550001111&Body=PARAR&NumMedia=0';
    const [event] = normalise(twilioInput(form));
    expect(event.type).toBe('sms.message.received');
    expect(event.data).toMatchObject({
      from: '5511988887777',
      rawFrom: '+5511988887777',
      text: 'PARAR',
      kind: 'text',
    });
  });

  it('reads media with caption, several attachments, locations and quick replies', () => {
    const media =
      'MessageSid=SM2&From=whatsapp%3A%2B5511999999999&To=whatsapp%3A%2B14155238886&Body=Boleto&NumMedia=2' +
      '&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm0&MediaContentType0=application%2Fpdf' +
      '&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm1&MediaContentType1=image%2Fjpeg';
    expect(normalise(twilioInput(media))[0].data).toMatchObject({
      kind: 'document',
      text: 'Boleto',
      media: { url: 'https://api.twilio.com/m0', mimeType: 'application/pdf', caption: 'Boleto' },
      additionalMedia: [{ url: 'https://api.twilio.com/m1', mimeType: 'image/jpeg' }],
    });
    const location =
      'MessageSid=SM3&From=whatsapp%3A%2B55&To=whatsapp%3A%2B1&Latitude=-23.5&Longitude=-46.6&Address=Av.+Paulista&NumMedia=0';
    expect(normalise(twilioInput(location))[0].data).toMatchObject({
      kind: 'location',
      location: { latitude: -23.5, longitude: -46.6, address: 'Av. Paulista' },
    });
    const button =
      'MessageSid=SM4&From=whatsapp%3A%2B55&To=whatsapp%3A%2B1&Body=Sim&ButtonText=Sim&ButtonPayload=CONFIRM_1' +
      '&MessageType=button&OriginalRepliedMessageSid=SM0';
    expect(normalise(twilioInput(button))[0].data).toMatchObject({
      kind: 'button',
      text: 'Sim',
      choice: { id: 'CONFIRM_1', title: 'Sim' },
      replyTo: 'SM0',
    });
  });

  it('reads status callbacks, with the error code on failures', () => {
    const failed =
      'SmsSid=SMc4c9&SmsStatus=undelivered&MessageStatus=undelivered&To=whatsapp%3A%2B5511999999999' +
      '&ChannelPrefix=whatsapp&MessageSid=SMc4c9&AccountSid=AC1&From=whatsapp%3A%2B14155238886' +
      '&ErrorCode=63016&ErrorMessage=Outside+messaging+window&ApiVersion=2010-04-01';
    expect(normalise(twilioInput(failed))).toEqual([
      {
        type: 'whatsapp.message.status',
        occurredAt: receivedAt,
        dedupeKey: 'status:SMc4c9:undelivered',
        data: {
          provider: 'twilio',
          messageId: 'SMc4c9',
          status: 'failed',
          providerStatus: 'undelivered',
          recipient: '5511999999999',
          errorCode: '63016',
          errorMessage: 'Outside messaging window',
          timestamp: receivedAt.toISOString(),
        },
      },
    ]);
    const read =
      'EventType=READ&SmsSid=SM9&SmsStatus=read&MessageStatus=read&To=whatsapp%3A%2B31612345678&MessageSid=SM9';
    expect(normalise(twilioInput(read))[0].data).toMatchObject({ status: 'read', recipient: '31612345678' });
    const sms = 'MessageSid=SM8&MessageStatus=queued&To=%2B5511988887777&From=%2B15550001111';
    const [queued] = normalise(twilioInput(sms));
    expect(queued.type).toBe('sms.message.status');
    expect(queued.data).toMatchObject({ status: 'sent', providerStatus: 'queued' });
  });

  it('stores voice callbacks, other channels and unknown statuses as twilio.unknown', () => {
    for (const form of [
      'CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234',
      'MessageSid=SM5&From=messenger%3A123&To=messenger%3A456&Body=hi',
      'MessageSid=SM6&MessageStatus=teleported&To=%2B1',
    ]) {
      const input = twilioInput(form);
      expect(normalise(input)).toEqual([
        {
          type: 'twilio.unknown',
          occurredAt: receivedAt,
          dedupeKey: expect.stringMatching(/^raw:[0-9a-f]{64}$/),
          data: { payload: input.body },
        },
      ]);
    }
  });

  it('takes the first of repeated fields and gives stable keys', () => {
    const form = 'MessageSid=SM7&MessageSid=SMx&From=whatsapp%3A%2B55&To=whatsapp%3A%2B1&Body=a&Body=b';
    const first = normalise(twilioInput(form));
    expect(first[0]).toMatchObject({ dedupeKey: 'msg:SM7', data: { text: 'a' } });
    expect(normalise(twilioInput(form))).toEqual(first);
  });
});
