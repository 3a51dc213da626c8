import { validateRow } from './import-rows';

const good = {
  externalId: 'D-1',
  name: 'Maria Souza',
  document: '529.982.247-25',
  phone: '(31) 99295-3088',
  amountCents: '123456',
  dueDate: '2026-11-30',
};

describe('import rows', () => {
  it('a good row: phone in E.164, document unmasked, Portuguese column names too', () => {
    expect(validateRow(good)).toEqual({
      row: {
        externalId: 'D-1',
        name: 'Maria Souza',
        taxId: { kind: 'cpf', value: '52998224725' },
        phone: '+5531992953088',
        amountCents: 123456,
        dueDate: '2026-11-30',
        description: null,
        boletoLine: null,
      },
    });
    const pt = validateRow({
      id: 'D-2',
      nome: 'Loja ABC',
      CPF_CNPJ: '12.ABC.345/01DE-35',
      Telefone: '5531992953088',
      Valor: 'R$ 1.234,56',
      Vencimento: '30/11/2026',
    });
    expect(pt).toMatchObject({
      row: { taxId: { kind: 'cnpj', value: '12ABC34501DE35' }, amountCents: 123456, dueDate: '2026-11-30' },
    });
  });

  it.each([
    [{ ...good, externalId: '' }, 'externalId', 'required'],
    [{ ...good, document: '529.982.247-24' }, 'document', 'not a valid CPF or CNPJ (check digits)'],
    [{ ...good, phone: '123' }, 'phone', 'not a valid phone number'],
    [{ ...good, amountCents: '12,5' }, 'amountCents', 'a whole number of cents'],
    [{ ...good, amountCents: '0' }, 'amountCents', 'must be positive and at most R$ 1 bilhão'],
    [{ ...good, dueDate: '2026-02-30' }, 'dueDate', 'not a date (YYYY-MM-DD or DD/MM/YYYY)'],
    [
      { ...good, boletoLine: '42297.11504 00001.954411 60020.034520 3 68610000054659' },
      'boletoLine',
      'not a valid boleto line (check digits)',
    ],
    [null, '(row)', 'not an object'],
  ])('rejects %j at %s', (row, field, reason) => {
    expect(validateRow(row)).toEqual({ rejection: { field, reason } });
  });
});
