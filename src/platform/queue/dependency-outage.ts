import { isErrorLike, unavailableDependency } from '../http/error-mapper';

/** Failures of calls to the outside (receivers, providers, step URLs): never our dependencies. */
const OUTSIDE = new Set(['OutboundError', 'SendFailure', 'StepError', 'ProblemException']);

/**
 * Which dependency (PostgreSQL or Redis) an error says is unreachable, judged on the innermost
 * `cause` (event handlers wrap what they throw, quoting its message). Undefined for any other
 * failure, including a receiver or provider refusing a connection.
 */
export function dependencyOutage(err: unknown): 'PostgreSQL' | 'Redis' | undefined {
  let root = err;
  for (let depth = 0; isErrorLike(root); depth++) {
    if (OUTSIDE.has(root.name) || OUTSIDE.has(root.constructor?.name)) return undefined;
    if (!isErrorLike(root.cause) || depth >= 5) break;
    root = root.cause;
  }
  return unavailableDependency(root);
}

/** How long a job put back by an outage waits before it is offered again: 1–3 s, spread out. */
export function outageBackoffMs(random: () => number = Math.random): number {
  return 1000 + Math.round(2000 * random());
}

/**
 * A write that must happen once its effect is outside (a provider accepted a message, a receiver
 * answered 2xx): retried while PostgreSQL or Redis is unreachable, up to `maxMs`, so that a
 * dependency outage does not turn work already done into work done twice. Any other error, or
 * an outage longer than `maxMs`, is thrown.
 */
export async function untilReachable<T>(write: () => Promise<T>, maxMs = 5 * 60_000): Promise<T> {
  // Real time, not the injected clock: this waits (with real timers) for a server to come back.
  const deadline = Date.now() + maxMs;
  for (let tries = 0; ; tries++) {
    try {
      return await write();
    } catch (err) {
      if (!dependencyOutage(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** tries, 2000)));
    }
  }
}
