import { formatBoletoLine, lineFromBarcode, parseBoletoLine } from './boleto';

const LINE = '42297.11504 00001.954411 60020.034520 2 68610000054659';

describe('boleto linha digitável (business-br.md §3)', () => {
  it('checks the three mod-10 digits and the mod-11 digit, reads value and due date', () => {
    const b = parseBoletoLine(LINE, new Date('2016-07-01T00:00:00Z'));
    expect(b).toEqual({
      line: LINE.replace(/[\s.]/g, ''),
      barcode: '42292686100000546597115000001954416002003452',
      bank: '422',
      amountCents: 54659,
      dueDate: '2016-07-20',
    });
    expect(formatBoletoLine(b!.line)).toBe(LINE);
  });

  it('refuses a wrong general digit, a wrong field digit and a short line', () => {
    expect(parseBoletoLine(LINE.replace(' 2 ', ' 3 '))).toBeUndefined();
    expect(parseBoletoLine(LINE.replace('954411', '954412'))).toBeUndefined();
    expect(parseBoletoLine('42297.11504')).toBeUndefined();
  });

  it('factor after the 2025-02-22 reset reads in the cycle nearest today; a rebuilt line round-trips', () => {
    const barcode = '4229' + '0' + '1493' + '0000012345' + '7115000001954416002003452';
    const line = lineFromBarcode(barcode);
    expect(line).toHaveLength(47);
    expect(parseBoletoLine(line, new Date('2026-06-30T00:00:00Z'))).toMatchObject({
      amountCents: 12345,
      dueDate: '2026-06-30',
    });
    expect(parseBoletoLine(lineFromBarcode('42292686100000546597115000001954416002003452'))?.line).toBe(
      LINE.replace(/[\s.]/g, ''),
    );
  });
});
