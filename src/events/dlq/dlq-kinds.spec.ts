import { validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { DLQ_KINDS, defineDlqKind } from './dlq-kinds';
import { DlqQuery } from './dlq.dto';
import { DLQ_RETRIER } from './dlq.service';

declare module './dlq-kinds' {
  interface DlqKinds {
    invoice: true;
  }
}

describe('DLQ kinds declared by a module', () => {
  it('joins the kinds the API filters on and the kinds that must have a retrier', () => {
    defineDlqKind('invoice');
    expect(DLQ_KINDS).toEqual(['event', 'delivery', 'notification', 'invoice']);
    expect(DLQ_RETRIER.spec.required).toContain('invoice');
    // The DTO was decorated before the kind was declared and still accepts it.
    expect(validateSync(plainToInstance(DlqQuery, { kind: 'invoice' }))).toEqual([]);
    expect(validateSync(plainToInstance(DlqQuery, { kind: 'nothing' }))).not.toEqual([]);
  });

  it('refuses a kind declared twice', () => {
    expect(() => defineDlqKind('delivery')).toThrow('DLQ kind "delivery" is declared twice');
  });
});
