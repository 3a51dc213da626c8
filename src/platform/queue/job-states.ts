import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';

/** What the relay needs to know of a job: finished one way or the other, gone, or still held. */
export type HeldState = 'completed' | 'failed' | 'unknown' | 'held';

/**
 * Many jobs' states in one call: a job whose hash is gone is `unknown` (never added, removed, or
 * Redis wiped), one in the completed or failed set is that, any other is held (waiting, delayed,
 * prioritized, active). BullMQ's own `getJobState` answers one job per call and looks for it in the
 * active and wait lists with LPOS, so a relay sweep over N pending rows cost N round trips and
 * O(N²) work in Redis; this is one call per CHUNK ids and O(log N) per id.
 */
const STATES = `
local out = {}
for i, id in ipairs(ARGV) do
  if redis.call('EXISTS', KEYS[1] .. id) == 0 then out[i] = 'unknown'
  elseif redis.call('ZSCORE', KEYS[2], id) then out[i] = 'completed'
  elseif redis.call('ZSCORE', KEYS[3], id) then out[i] = 'failed'
  else out[i] = 'held' end
end
return out`;

const CHUNK = 500;
const defined = new WeakSet<object>();

type StatesClient = IORedis & { ponteJobStates(...args: string[]): Promise<HeldState[]> };

/** The states of `ids` in `queue`, in order. */
export async function heldStates(queue: Queue, ids: string[]): Promise<HeldState[]> {
  const client = (await queue.backend.client) as unknown as StatesClient;
  if (!defined.has(client)) {
    client.defineCommand('ponteJobStates', { numberOfKeys: 3, lua: STATES });
    defined.add(client);
  }
  const keys = [queue.toKey(''), queue.toKey('completed'), queue.toKey('failed')];
  const chunks: Array<Promise<HeldState[]>> = [];
  for (let i = 0; i < ids.length; i += CHUNK)
    chunks.push(client.ponteJobStates(...keys, ...ids.slice(i, i + CHUNK)));
  return (await Promise.all(chunks)).flat();
}
