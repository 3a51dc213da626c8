import { checkEntity, entityFromEvent, fieldDiff, hashOf } from './canonical';
import { fromOmieCustomer, omieDate, toOmieCustomer } from './adapters/omie/omie.adapter';

describe('canonical entities', () => {
  it('reads the trigger events, Brazilian phones with the country code', () => {
    expect(
      entityFromEvent('customer', {
        clientId: 'c1',
        name: ' Maria ',
        cpf: '529.982.247-25',
        phone: '(11) 98765-4321',
        email: 'M@X.COM',
      }),
    ).toEqual({ id: 'c1', name: 'Maria', document: '52998224725', phone: '5511987654321', email: 'm@x.com' });
    expect(
      entityFromEvent('invoice', {
        invoiceId: 'i1',
        clientId: 'c1',
        amount: '1500',
        dueDate: '2026-12-10T03:00:00Z',
      }),
    ).toEqual({
      id: 'i1',
      customerId: 'c1',
      amount: 1500,
      dueDate: '2026-12-10',
    });
    expect(entityFromEvent('payment', { paymentId: 'p1', amount: 10 })).toEqual(['invoiceId', 'paidAt']);
    expect(checkEntity('invoice', { id: 'i', customerId: 'c', amount: 1.5, dueDate: 'x' })).toEqual([
      'amount must be an integer (cents)',
    ]);
  });

  it('hashes content, not key order or empty fields', () => {
    expect(hashOf({ a: 1, b: 'x' })).toBe(hashOf({ b: 'x', a: 1 }));
    expect(hashOf({ a: 1 })).not.toBe(hashOf({ a: 2 }));
  });

  it('diffs the fields where the two versions differ, with the base', () => {
    expect(
      fieldDiff({ name: 'A', email: 'a@x' }, { name: 'B', email: 'a@x' }, { name: 'A', email: 'z@x' }, [
        'name',
        'email',
        'phone',
      ]),
    ).toEqual([
      { field: 'name', base: 'A', local: 'B', remote: 'A' },
      { field: 'email', base: 'a@x', local: 'a@x', remote: 'z@x' },
    ]);
  });

  it('maps a customer to Omie and back unchanged', () => {
    const c = {
      id: 'c1',
      name: 'Maria',
      legalName: 'Maria Silva ME',
      document: '52998224725',
      email: 'm@x.com',
      phone: '5511987654321',
    };
    const o = toOmieCustomer(c);
    expect(o).toMatchObject({
      codigo_cliente_integracao: 'c1',
      razao_social: 'Maria Silva ME',
      telefone1_ddd: '11',
      telefone1_numero: '987654321',
    });
    expect(fromOmieCustomer(o)).toEqual(c);
    expect(fromOmieCustomer(toOmieCustomer({ id: 'c2', name: 'Rui' }))).toEqual({ id: 'c2', name: 'Rui' });
    expect(omieDate('2026-12-03')).toBe('03/12/2026');
  });
});
