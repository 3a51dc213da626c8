import dns from 'node:dns';
import {
  assertSafeUrl,
  checkUrlShape,
  createGuardedLookup,
  guardedLookup,
  isPublicAddress,
  UnsafeUrlError,
} from './ssrf-guard';

function lookupOnce(
  lookup: ReturnType<typeof createGuardedLookup>,
  host: string,
  all: boolean,
): Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
  return new Promise((resolve) => {
    lookup(host, { all }, (err, address, family) => resolve({ err, address, family }));
  });
}

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafeUrlError);
    return (err as UnsafeUrlError).reason;
  }
}

// Stub DNS so no test depends on a real resolver (there is no external network here).
function stubDns(map: Record<string, string[]>): void {
  const answer = (host: string) =>
    (map[host] ?? []).map((a) => ({ address: a, family: a.includes(':') ? 6 : 4 }));
  jest.spyOn(dns.promises, 'lookup').mockImplementation((async (host: string) => {
    const list = answer(host);
    if (list.length === 0)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list;
  }) as any);
  jest.spyOn(dns, 'lookup').mockImplementation(((
    host: string,
    _opts: unknown,
    cb: (...a: unknown[]) => void,
  ) => {
    const list = answer(host);
    if (list.length === 0)
      cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    else cb(null, list);
  }) as any);
}

afterEach(() => jest.restoreAllMocks());

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['1.1.1.1', true],
    ['93.184.216.34', true],
    ['2001:4860:4860::8888', true],
    ['2606:4700:4700::1111', true],
    ['10.0.0.1', false],
    ['10.255.255.255', false],
    ['172.16.0.1', false],
    ['172.31.255.254', false],
    ['192.168.1.1', false],
    ['127.0.0.1', false],
    ['127.8.9.10', false],
    ['169.254.169.254', false],
    ['169.254.0.1', false],
    ['100.64.0.1', false],
    ['100.127.255.254', false],
    ['0.0.0.0', false],
    ['255.255.255.255', false],
    ['224.0.0.1', false],
    ['240.0.0.1', false],
    ['192.0.2.1', false],
    ['198.18.0.1', false],
    ['::1', false],
    ['::', false],
    ['fc00::1', false],
    ['fd12:3456::1', false],
    ['fe80::1', false],
    ['fe80::1%eth0', false],
    ['ff02::1', false],
    ['2001:db8::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:169.254.169.254', false],
    ['::ffff:7f00:1', false],
    ['::7f00:1', false],
    ['64:ff9b::a00:1', false],
    ['::ffff:8.8.8.8', true],
    ['not-an-ip', false],
    ['', false],
  ])('%s -> %s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
});

describe('checkUrlShape', () => {
  it('normalises odd IPv4 spellings before checking them', () => {
    expect(() => checkUrlShape('http://0x7f.1/', { allowPrivate: false })).toThrow(UnsafeUrlError);
    expect(() => checkUrlShape('http://2130706433/', { allowPrivate: false })).toThrow(UnsafeUrlError);
  });
});

describe('assertSafeUrl', () => {
  const strict = { allowPrivate: false };

  it('accepts a public http(s) URL and returns it parsed', async () => {
    stubDns({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
    const url = await assertSafeUrl('https://hooks.example.com/path?q=1', strict);
    expect(url.href).toBe('https://hooks.example.com/path?q=1');
  });

  it.each([
    ['ftp://example.com/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://example.com/', 'scheme'],
    ['not a url', 'invalid-url'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://user@example.com/', 'credentials'],
  ])('refuses %s (%s)', async (url, reason) => {
    stubDns({ 'example.com': ['93.184.216.34'] });
    expect(await reasonOf(assertSafeUrl(url, strict))).toBe(reason);
  });

  it.each([
    'http://127.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.0.1:8080/',
    'http://[::1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[fd00::1]/',
    'http://0.0.0.0/',
  ])('refuses literal %s without DNS', async (url) => {
    stubDns({});
    expect(await reasonOf(assertSafeUrl(url, strict))).toBe('private-address');
    expect(dns.promises.lookup).not.toHaveBeenCalled();
  });

  it('refuses a host when any resolved address is private', async () => {
    stubDns({ 'mixed.example.com': ['93.184.216.34', '10.1.2.3'] });
    expect(await reasonOf(assertSafeUrl('https://mixed.example.com/', strict))).toBe('private-address');
  });

  it('refuses localhost via real resolution', async () => {
    expect(await reasonOf(assertSafeUrl('http://localhost:3000/', strict))).toBe('private-address');
  });

  it('reports unresolvable hosts', async () => {
    stubDns({});
    expect(await reasonOf(assertSafeUrl('https://nope.invalid/', strict))).toBe('unresolvable');
  });

  it('allows private addresses when allowPrivate is set', async () => {
    stubDns({ 'internal.lan': ['192.168.1.10'] });
    await expect(assertSafeUrl('http://internal.lan/', { allowPrivate: true })).resolves.toBeInstanceOf(URL);
    await expect(assertSafeUrl('http://[::1]:8080/', { allowPrivate: true })).resolves.toBeInstanceOf(URL);
    // Scheme and credential rules still apply.
    expect(await reasonOf(assertSafeUrl('ftp://internal.lan/', { allowPrivate: true }))).toBe('scheme');
  });
});

describe('guarded lookup', () => {
  it('refuses a host that rebinds to a private address at connect time', async () => {
    stubDns({ 'rebind.example.com': ['10.0.0.5'] });
    const { err } = await lookupOnce(guardedLookup, 'rebind.example.com', true);
    expect(err).toBeInstanceOf(UnsafeUrlError);
    expect((err as unknown as UnsafeUrlError).reason).toBe('private-address');
  });

  it('returns all addresses or the first one depending on options.all', async () => {
    stubDns({ 'ok.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
    const all = await lookupOnce(guardedLookup, 'ok.example.com', true);
    expect(all.err).toBeNull();
    expect(all.address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    const one = await lookupOnce(guardedLookup, 'ok.example.com', false);
    expect(one).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('passes resolver errors through', async () => {
    stubDns({});
    const { err } = await lookupOnce(guardedLookup, 'nope.invalid', true);
    expect(err?.code).toBe('ENOTFOUND');
  });

  it('lets private addresses through when allowPrivate is set', async () => {
    stubDns({ 'internal.lan': ['192.168.1.10'] });
    const res = await lookupOnce(createGuardedLookup({ allowPrivate: true }), 'internal.lan', false);
    expect(res).toEqual({ err: null, address: '192.168.1.10', family: 4 });
  });
});
