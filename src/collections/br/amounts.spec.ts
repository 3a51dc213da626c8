import { extractAmounts, extractInstallments, formatBRL, parseAmount } from './amounts';

describe('pt-BR amounts (business-br.md §5.2)', () => {
  it.each([
    ['R$ 1.234,56', 123456],
    ['R$1234,56', 123456],
    ['1.234,56 reais', 123456],
    ['mil reais', 100000],
    ['1,5 mil', 150000],
    ['500 conto', 50000],
    ['500 contos', 50000],
    ['500 pila', 50000],
    ['2k', 200000],
    ['quinhentos e cinquenta reais', 55000],
    ['R$ 10', 1000],
    ['10.000', 1000000],
    ['consigo pagar mil e quinhentos', 150000],
    ['Posso dar 300 agora', 30000],
    ['só tenho cem reais', 10000],
    ['R$ 99,9', 9990],
  ])('%s → %i cents', (text, cents) => {
    expect(parseAmount(text)).toBe(cents);
  });

  it.each([
    'pago dia 15',
    'no dia 15/12',
    'meu cpf é 52998224725',
    'em 3x',
    'consigo em 3 vezes',
    'às 14h',
    'uma vez só',
  ])('no money in "%s"', (text) => expect(parseAmount(text)).toBeUndefined());

  it('several amounts in order', () => {
    expect(extractAmounts('devo R$ 1.200,00 mas só consigo 400 reais')).toEqual([120000, 40000]);
  });

  it('instalment counts', () => {
    expect(extractInstallments('consigo pagar em 3x')).toBe(3);
    expect(extractInstallments('da pra parcelar em 4?')).toBe(4);
    expect(extractInstallments('em tres vezes')).toBe(3);
    expect(extractInstallments('10 parcelas')).toBe(10);
    expect(extractInstallments('ja paguei')).toBeUndefined();
  });

  it('formats BRL', () => {
    expect(formatBRL(123456)).toBe('R$ 1.234,56');
    expect(formatBRL(5)).toBe('R$ 0,05');
    expect(formatBRL(100000000)).toBe('R$ 1.000.000,00');
  });
});
