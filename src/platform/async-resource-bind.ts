import { AsyncResource } from 'node:async_hooks';

type Bind = (this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown) => unknown;

let installed = false;

/**
 * `AsyncResource#bind` as Node's main branch has it: without the deprecated `asyncResource`
 * property (DEP0172) that Node 20 defines on every bound function, with a fresh `util.deprecate`
 * getter and setter each time (nodejs/node#58218). Fastify binds once per request (body parsing)
 * and Nest once per interceptor per request: in `notify-api` those wrappers were 5 % of the API
 * process's CPU. The bound function runs `fn` in the resource's async scope exactly as before
 * (AsyncLocalStorage and APM context see no difference), keeps `fn`'s length, and a non-function
 * still gets Node's own error. Idempotent.
 */
export function installLeanAsyncBind(): void {
  if (installed) return;
  installed = true;
  const original = AsyncResource.prototype.bind as unknown as Bind;
  const lean: Bind = function (this: AsyncResource, fn, thisArg) {
    if (typeof fn !== 'function') return original.call(this, fn, thisArg);
    const run = (self: unknown, args: unknown[]) => this.runInAsyncScope(fn, self, ...args);
    const bound =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return run(this, args);
          }
        : this.runInAsyncScope.bind(this, fn, thisArg);
    Object.defineProperty(bound, 'length', { configurable: true, value: fn.length });
    return bound;
  };
  (AsyncResource.prototype as unknown as { bind: Bind }).bind = lean;
}
