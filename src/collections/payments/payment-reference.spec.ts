import { paymentReference } from './payment-reference';

describe('paymentReference', () => {
  const id = '0190a1b2-c3d4-7e5f-8a6b-9c0d1e2f3a4b';
  it('reads the debt by id, external id or nested debt', () => {
    expect(paymentReference({ debtId: id })).toEqual({ debtId: id });
    expect(paymentReference({ externalId: 'A-1' })).toEqual({ externalId: 'A-1' });
    expect(paymentReference({ debtExternalId: 'A-2', externalId: 'x' })).toEqual({ externalId: 'A-2' });
    expect(paymentReference({ debt: { externalId: 'A-3' } })).toEqual({ externalId: 'A-3' });
    expect(paymentReference({ debtId: 'not-a-uuid', externalId: 'A-4' })).toEqual({ externalId: 'A-4' });
  });
  it('reads the amount in cents or reais, pt-BR or dotted', () => {
    expect(paymentReference({ externalId: 'A', amountCents: 30000 })?.amountCents).toBe(30000);
    expect(paymentReference({ externalId: 'A', amount: 300.5 })?.amountCents).toBe(30050);
    expect(paymentReference({ externalId: 'A', amount: '1234.56' })?.amountCents).toBe(123456);
    expect(paymentReference({ externalId: 'A', amount: 'R$ 1.234,56' })?.amountCents).toBe(123456);
    expect(paymentReference({ externalId: 'A', amount: '300' })?.amountCents).toBe(30000);
  });
  it('names no debt, or an amount that is not money: nothing', () => {
    expect(paymentReference({ amount: 10 })).toBeNull();
    expect(paymentReference({ externalId: 'A', amount: 'muito' })).toBeNull();
    expect(paymentReference({ externalId: 'A', amount: -5 })).toBeNull();
    expect(paymentReference({ externalId: 'A', amountCents: 1.5 })).toBeNull();
  });
});
