import { formatTaxId, isValidCnpj, isValidCpf, parseTaxId } from './tax-id';

describe('CPF and CNPJ (business-br.md §2 vectors)', () => {
  it.each(['529.982.247-25', '123.456.789-09', '111.444.777-35', '52998224725'])('CPF %s is valid', (v) => {
    expect(isValidCpf(v)).toBe(true);
  });
  it.each(['529.982.247-24', '111.111.111-11', '000.000.000-00', '5299822472', '529.982.247-2X'])(
    'CPF %s is invalid',
    (v) => expect(isValidCpf(v)).toBe(false),
  );
  it.each(['11.222.333/0001-81', '00.000.000/0001-91', '12.ABC.345/01DE-35', '12abc34501de35'])(
    'CNPJ %s is valid',
    (v) => expect(isValidCnpj(v)).toBe(true),
  );
  it.each([
    ['12.ABC.345/01DE-45', 'the ASCII−55 bug'],
    ['11.222.333/0001-80', 'wrong DV'],
    ['00.000.000/0000-00', 'repeated'],
    ['12.ABC.345/01DE-3X', 'DVs must be digits'],
  ])('CNPJ %s is invalid (%s)', (v) => expect(isValidCnpj(v)).toBe(false));

  it('parses either kind, unmasked and upper-cased, and masks it back', () => {
    expect(parseTaxId(' 529.982.247-25 ')).toEqual({ kind: 'cpf', value: '52998224725' });
    expect(parseTaxId('12abc34501de35')).toEqual({ kind: 'cnpj', value: '12ABC34501DE35' });
    expect(parseTaxId('12345')).toBeUndefined();
    expect(formatTaxId({ kind: 'cnpj', value: '12ABC34501DE35' })).toBe('12.ABC.345/01DE-35');
    expect(formatTaxId({ kind: 'cpf', value: '52998224725' })).toBe('529.982.247-25');
  });
});
