import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export type UnsafeUrlReason = 'invalid-url' | 'scheme' | 'credentials' | 'private-address' | 'unresolvable';

export class UnsafeUrlError extends Error {
  override readonly name = 'UnsafeUrlError';

  constructor(
    readonly reason: UnsafeUrlReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SsrfOptions {
  allowPrivate: boolean;
}

// ipaddr's IPv6 'unicast' is the fallback for anything unlisted (e.g. the deprecated IPv4-compatible
// ::7f00:1), so additionally require the global unicast allocation 2000::/3.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** True only for addresses that are routable on the public internet. Invalid input is not public. */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  // process() turns ::ffff:a.b.c.d into its IPv4 form so mapped private addresses are classified as IPv4.
  const addr = ipaddr.process(ip);
  if (addr.kind() === 'ipv4') return addr.range() === 'unicast';
  return addr.range() === 'unicast' && addr.match(GLOBAL_UNICAST_V6);
}

/** Returns the IP if the URL hostname is a literal address (brackets stripped), else undefined. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : undefined;
}

/**
 * Synchronous checks that need no DNS: parseable, http(s) only, no userinfo, and literal IPs public.
 * Literal IPs must be checked here because Node skips the `lookup` hook when connecting to an IP.
 */
export function checkUrlShape(url: string, opts: SsrfOptions): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new UnsafeUrlError('invalid-url', 'URL is not valid', { cause: err });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UnsafeUrlError('scheme', `URL scheme ${parsed.protocol} is not allowed`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new UnsafeUrlError('credentials', 'URL must not contain credentials');
  }
  const literal = literalAddress(parsed.hostname);
  if (literal !== undefined && !opts.allowPrivate && !isPublicAddress(literal)) {
    throw new UnsafeUrlError('private-address', `Address ${literal} is not public`);
  }
  return parsed;
}

/** Full validation, used when a URL is saved: shape checks plus every resolved address must be public. */
export async function assertSafeUrl(url: string, opts: SsrfOptions): Promise<URL> {
  const parsed = checkUrlShape(url, opts);
  if (literalAddress(parsed.hostname) !== undefined) return parsed;

  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(parsed.hostname, { all: true });
  } catch (err) {
    throw new UnsafeUrlError('unresolvable', `Host ${parsed.hostname} cannot be resolved`, { cause: err });
  }
  if (addresses.length === 0) {
    throw new UnsafeUrlError('unresolvable', `Host ${parsed.hostname} has no addresses`);
  }
  if (!opts.allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad)
      throw new UnsafeUrlError('private-address', `Host ${parsed.hostname} resolves to ${bad.address}`);
  }
  return parsed;
}

/**
 * Save-time check of a URL that Ponte, or a provider on its behalf, fetches later (a workflow
 * webhook, a media attachment): why it is refused, or undefined. A host that does not resolve
 * now passes — DNS may be down at this moment, and the call-time guard refuses private answers.
 */
export async function savedUrlRefusal(url: string, opts: SsrfOptions): Promise<string | undefined> {
  try {
    await assertSafeUrl(url, opts);
    return undefined;
  } catch (err) {
    if (!(err instanceof UnsafeUrlError)) throw err;
    if (err.reason === 'unresolvable') return undefined;
    return `refused (${err.reason}): only public http(s) addresses are allowed`;
  }
}

/**
 * A `net.connect` lookup hook (undici `connect.lookup`). Checking at connect time, rather than only at
 * save time, defeats DNS rebinding: the address actually dialled is the one that was checked.
 * Any non-public answer refuses the whole host, so an attacker cannot mix a private record in.
 */
export function createGuardedLookup(opts: SsrfOptions): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0) {
        return callback(new UnsafeUrlError('unresolvable', `Host ${hostname} has no addresses`), []);
      }
      if (!opts.allowPrivate) {
        const bad = addresses.find((a) => !isPublicAddress(a.address));
        if (bad) {
          return callback(
            new UnsafeUrlError('private-address', `Host ${hostname} resolves to ${bad.address}`),
            [],
          );
        }
      }
      // Node asks for `all` when autoSelectFamily (happy eyeballs) is on, a single address otherwise.
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** Strict lookup (private addresses refused). */
export const guardedLookup: LookupFunction = createGuardedLookup({ allowPrivate: false });
