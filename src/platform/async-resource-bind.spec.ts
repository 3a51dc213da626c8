import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { installLeanAsyncBind } from './async-resource-bind';

describe('installLeanAsyncBind', () => {
  beforeAll(() => installLeanAsyncBind());

  it('runs the bound function in the async context it was bound in', async () => {
    const store = new AsyncLocalStorage<string>();
    const bound = store.run('request-1', () => AsyncResource.bind((x: number) => `${store.getStore()}:${x}`));
    const later = await store.run('request-2', () => new Promise((r) => setImmediate(() => r(bound(7)))));
    expect(later).toBe('request-1:7');
  });

  it('keeps this, thisArg, the return value, the length and errors; drops the deprecated property', () => {
    const resource = new AsyncResource('test');
    function named(this: { k: number } | undefined, a: number, b: number) {
      return (this?.k ?? 0) + a + b;
    }
    const free = resource.bind(named);
    expect(free.call({ k: 10 }, 1, 2)).toBe(13);
    // Node accepts a thisArg that @types/node does not declare
    const bindWithThis = resource.bind.bind(resource) as unknown as (
      fn: typeof named,
      thisArg: { k: number },
    ) => (a: number, b: number) => number;
    expect(bindWithThis(named, { k: 100 })(1, 2)).toBe(103);
    expect(free.length).toBe(2);
    expect('asyncResource' in free).toBe(false);
    expect(() =>
      resource.bind(() => {
        throw new Error('boom');
      })(),
    ).toThrow('boom');
    // Node's own ERR_INVALID_ARG_TYPE (a TypeError of Node's realm, not Jest's)
    expect(() => resource.bind(42 as unknown as () => void)).toThrow(
      /"fn" argument must be of type function/,
    );
  });
});
