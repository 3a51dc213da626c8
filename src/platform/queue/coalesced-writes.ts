import type { Socket } from 'net';

const coalesced = new WeakSet<Socket>();

/**
 * Commands written to one socket during one turn of the event loop (the replies read in one poll
 * phase, each finishing a BullMQ job or asking for a slot) leave as one `writev` instead of one
 * `write` system call each: the socket is corked at the first write and uncorked in the check
 * phase right after (`setImmediate`), so a command waits for no I/O. Bytes, order and replies are
 * unchanged (unlike ioredis' auto-pipelining, which regroups commands into pipelines and is known
 * to break BullMQ); only the number of system calls drops. On the 2-core bench machine a loopback
 * write costs 50–180 µs of CPU; at 300 events/s the Redis writes' share of Ponte's samples fell
 * from 9 % to 6 %.
 */
export function coalesceWrites(socket: Socket | undefined): void {
  if (!socket || coalesced.has(socket)) return;
  coalesced.add(socket);
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = (...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  };
}
