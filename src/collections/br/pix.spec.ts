import { buildStaticPix, crc16, isValidPix, parsePix } from './pix';

const P = {
  P1: '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D',
  P2: '00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd4415204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***80800014br.gov.bcb.pix2558pix.example.com/qr/v2/rec/94ed2badcbc04c15b0bb7fa35319489063047741',
  P3: '00020126510014br.gov.bcb.pix0115thalesog@me.com0210Pedido 123520400005303986540510.005802BR5914Thales Ogliari6015SAO MIGUEL DO O62070503***63044367',
  P4: '00020126420014br.gov.bcb.pix0111070598133900205teste52040000530398654041.005802BR5915Victor Mesquita6009Sao Paulo62140510123456789063049CE5',
  P5: '00020126330014BR.GOV.BCB.PIX01115794666323452040000530398654041.005802BR5925CLENILTON CRUZ DE ALENCAR6006MANAUS62070503***6304FA88',
  P6: '00020101021226770014BR.GOV.BCB.PIX2555pix.example.com/qr/93598be0-1bd0-4997-8318-81776a1d8a995204000053039865802BR5907EMPRESA6009SAO PAULO62070503***6304EEAB',
  P7: '00020101021226820014br.gov.bcb.pix2560pix.stone.com.br/pix/v2/234e3f9d-7cb3-4b29-9d46-974796d0bb29520400005303986540527.005802BR5925PERFECT PAY TECNOLOGIA SE6014RIO DE JANEIRO622905255ddb94f8bd33c3bfd1ad38e3b6304AE32',
};

describe('Pix BR Code (business-br.md §1.7)', () => {
  it('CRC-16/CCITT-FALSE check value', () => {
    expect(crc16('123456789')).toBe(0x29b1);
  });

  it.each(Object.entries(P))('published vector %s parses with its CRC', (_name, payload) => {
    expect(isValidPix(payload)).toBe(true);
  });

  it('reads the fields of the vectors', () => {
    expect(parsePix(P.P3)).toMatchObject({
      key: 'thalesog@me.com',
      amountCents: 1000,
      txid: '***',
      city: 'SAO MIGUEL DO O',
    });
    expect(parsePix(P.P4)).toMatchObject({ key: '07059813390', amountCents: 100, txid: '1234567890' });
    expect(parsePix(P.P2).url).toBe('pix.example.com/qr/v2/8b3da2f39a4140d1a91abd93113bd441');
  });

  it('rebuilds P1, P3 and P4 byte for byte', () => {
    expect(
      buildStaticPix({
        key: '123e4567-e12b-12d1-a456-426655440000',
        name: 'Fulano de Tal',
        city: 'BRASILIA',
      }),
    ).toBe(P.P1);
    expect(
      buildStaticPix({
        key: 'thalesog@me.com',
        description: 'Pedido 123',
        amountCents: 1000,
        name: 'Thales Ogliari',
        city: 'SAO MIGUEL DO O',
      }),
    ).toBe(P.P3);
    expect(
      buildStaticPix({
        key: '07059813390',
        description: 'teste',
        amountCents: 100,
        name: 'Victor Mesquita',
        city: 'São Paulo',
        txid: '1234567890',
      }),
    ).toBe(P.P4);
  });

  it('refuses the negative vectors: wrong CRC, and a length that lies though the CRC matches', () => {
    const bmg =
      '0020101021226990014br.gov.bcb.pix2577qrcode.pix.bancobmg.com.br/qrs1/01mWFiCMHqRMdrkzWFWazsiurgfoqpsJFbuXx3IcpRqfj52040000530398654040.015802BR5917JEFFERSON F SOUZA6009SAO PAULO62290525QRS1-F5CMMUTDLOVWF8UBT7Q4630413DF';
    expect(isValidPix(bmg)).toBe(false);
    const lying = P.P6.replace('62070503***6304EEAB', '62080503***6304');
    const { crc16: c } = { crc16 };
    const withCrc = lying + c(lying).toString(16).toUpperCase().padStart(4, '0');
    expect(() => parsePix(withCrc)).toThrow(/truncated|malformed/);
    expect(isValidPix(P.P1.replace('1D3D', '1D3E'))).toBe(false);
  });

  it('a code with txid and amount verifies, ASCII only, name and city cut', () => {
    const code = buildStaticPix({
      key: '+5531992953088',
      name: 'Cobrança São João Distribuidora Ltda',
      city: 'Belo Horizonte MG Brasil',
      amountCents: 123456,
      txid: 'DEBT01ABC',
    });
    const parsed = parsePix(code);
    expect(parsed).toMatchObject({
      amountCents: 123456,
      txid: 'DEBT01ABC',
      name: 'Cobranca Sao Joao Distrib',
    });
    expect(parsed.city).toHaveLength(15);
    expect(() => buildStaticPix({ key: 'k', name: 'n', city: 'c', txid: 'has space' })).toThrow();
  });
});
