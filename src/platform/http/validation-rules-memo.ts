import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];
const INSTALLED = Symbol.for('ponte.validationRulesMemo');

/**
 * class-validator looks a class's rules up on every validation of every nested object, walking
 * every class it knows (an `instanceof` per DTO class, for inherited rules): 5 % of the API's CPU
 * under load (notify-api profile). A class's rules do not change once its decorators have run, so
 * the answer is kept per class and option set, and all of it is forgotten when a rule is added
 * (a class loaded later).
 */
export function memoizeValidationRules(storage: Storage = getMetadataStorage()): void {
  const marked = storage as Storage & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  let memo = new WeakMap<object, Map<string, ReturnType<Lookup>>>();
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (typeof target !== 'function') return lookup(target, schema, always, strictGroups, groups);
    const key = [schema ?? '', always, strictGroups, ...(groups ?? [])].join('\u0000');
    let byOptions = memo.get(target);
    if (!byOptions) memo.set(target, (byOptions = new Map()));
    let rules = byOptions.get(key);
    if (!rules)
      byOptions.set(
        key,
        (rules = Object.freeze(lookup(target, schema, always, strictGroups, groups)) as ReturnType<Lookup>),
      );
    return rules;
  };
  for (const method of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const adders = storage as unknown as Record<typeof method, (arg: unknown) => void>;
    const add = adders[method].bind(storage);
    adders[method] = (arg) => {
      memo = new WeakMap();
      add(arg);
    };
  }
}
