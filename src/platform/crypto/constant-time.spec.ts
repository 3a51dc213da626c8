import { randomToken, safeEqual, sha256Hex } from './constant-time';

describe('safeEqual', () => {
  it('matches equal strings and buffers, in any combination', () => {
    expect(safeEqual('verify-token-123', 'verify-token-123')).toBe(true);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(safeEqual('çã✓', Buffer.from('çã✓', 'utf8'))).toBe(true);
  });

  it('rejects different values of the same length', () => {
    expect(safeEqual('verify-token-123', 'verify-token-124')).toBe(false);
  });

  it('returns false instead of throwing on different lengths, empty or missing input', () => {
    expect(safeEqual('short', 'longer value')).toBe(false);
    expect(safeEqual('', '')).toBe(false);
    expect(safeEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(false);
    expect(safeEqual(undefined, 'x')).toBe(false);
    expect(safeEqual('x', null)).toBe(false);
    expect(safeEqual(undefined, undefined)).toBe(false);
    expect(safeEqual(42 as unknown as string, 42 as unknown as string)).toBe(false);
  });
});

describe('randomToken', () => {
  it('prefixes a base64url secret', () => {
    const token = randomToken('pk');
    expect(token).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
    expect(randomToken('pk_')).toMatch(/^pk_[A-Za-z0-9_-]{32}$/);
    expect(randomToken('', 16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomToken('pk')).not.toBe(token);
  });

  it('refuses weak sizes', () => {
    expect(() => randomToken('pk', 8)).toThrow(RangeError);
    expect(() => randomToken('pk', 24.5)).toThrow(RangeError);
  });
});

describe('sha256Hex', () => {
  it('hashes strings and buffers', () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(sha256Hex('abc')).toBe(abc);
    expect(sha256Hex(Buffer.from('abc'))).toBe(abc);
  });
});
