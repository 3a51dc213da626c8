import 'reflect-metadata';
import { IsInt, IsOptional, IsString, MetadataStorage, validate, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { memoizeValidationRules } from './validation-rules-memo';

class Base {
  @IsString() id: string;
}

class Child extends Base {
  @IsInt() count: number;
  @IsOptional() @IsString({ groups: ['admin'] }) note?: string;
}

class Holder {
  @ValidateNested() @Type(() => Child) child: Child;
}

describe('validation rules memo', () => {
  const rulesOf = (storage: MetadataStorage, target: Function, schema?: string, groups?: string[]) =>
    storage
      .getTargetValidationMetadatas(target, schema as string, false, false, groups)
      .map((m) => `${m.propertyName}:${m.name ?? m.type}`)
      .sort();

  it('answers what class-validator answers, per class, schema and groups, from the second call on without looking again', () => {
    const plain = new MetadataStorage();
    const memoised = new MetadataStorage();
    // the same rules in both: copied from the global storage the decorators wrote to
    for (const storage of [plain, memoised])
      for (const target of [Base, Child, Holder])
        for (const m of globalRules(target)) storage.addValidationMetadata(m);
    memoizeValidationRules(memoised);
    const cases: Array<[Function, string | undefined, string[] | undefined]> = [
      [Child, undefined, undefined],
      [Child, undefined, ['admin']],
      [Base, undefined, undefined],
      [Holder, undefined, undefined],
      [Child, 'Holder', undefined],
    ];
    for (const [target, schema, groups] of cases) {
      expect(rulesOf(memoised, target, schema, groups)).toEqual(rulesOf(plain, target, schema, groups));
    }
    expect(rulesOf(memoised, Child)).toEqual([
      'count:isInt',
      'id:isString',
      'note:isOptional',
      'note:isString',
    ]);
    expect(rulesOf(memoised, Child, undefined, ['other'])).toEqual([]); // groups are part of the key
    const first = memoised.getTargetValidationMetadatas(Child, undefined as unknown as string, false, false);
    const again = memoised.getTargetValidationMetadatas(Child, undefined as unknown as string, false, false);
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('forgets what it knew when a rule is added (a class loaded later)', () => {
    const storage = new MetadataStorage();
    for (const m of globalRules(Child)) storage.addValidationMetadata(m);
    memoizeValidationRules(storage);
    memoizeValidationRules(storage); // a second install is a no-op, not a second layer
    expect(rulesOf(storage, Child)).not.toContain('extra:isString');
    const [template] = globalRules(Base);
    storage.addValidationMetadata(
      Object.assign(Object.create(Object.getPrototypeOf(template) as object), template, {
        target: Child,
        propertyName: 'extra',
      }),
    );
    expect(rulesOf(storage, Child)).toContain('extra:isString');
  });

  it('validates through the global storage with the memo in place', async () => {
    memoizeValidationRules();
    const bad = Object.assign(new Holder(), { child: Object.assign(new Child(), { id: 1, count: 'x' }) });
    const errors = await validate(bad);
    expect(errors[0].children?.map((e) => e.property).sort()).toEqual(['count', 'id']);
    const good = Object.assign(new Holder(), { child: Object.assign(new Child(), { id: 'a', count: 2 }) });
    expect(await validate(good)).toEqual([]);
  });
});

/** The rules the decorators above registered for `target` itself. */
function globalRules(target: Function) {
  const { getMetadataStorage } = jest.requireActual<typeof import('class-validator')>('class-validator');
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, unknown[]> };
  return (storage.validationMetadatas.get(target) ?? []) as Parameters<
    MetadataStorage['addValidationMetadata']
  >[0][];
}
