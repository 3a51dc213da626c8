import { findUnstorableText, isStorableText, toStorableText, toStorableValue } from './storable-text';

describe('storable text', () => {
  it('tells what PostgreSQL refuses: NUL and unpaired surrogates, not paired ones', () => {
    expect(isStorableText('olá 😀')).toBe(true);
    expect(isStorableText('a\u0000')).toBe(false);
    expect(isStorableText('\ud800')).toBe(false);
    expect(isStorableText('\udc00a')).toBe(false);
  });

  it('cleans with U+FFFD and leaves good text untouched', () => {
    expect(toStorableText('a\u0000b\ud800c😀')).toBe('a\ufffdb\ufffdc😀');
    expect(toStorableText('fine')).toBe('fine');
  });

  it('names the first bad field, keys included', () => {
    expect(findUnstorableText({ a: 'ok', b: { c: ['x', 'y\u0000'] } })).toBe('b.c.1');
    expect(findUnstorableText({ 'k\ud800': 1 })).toBe('k\ud800');
    expect(findUnstorableText({ a: [1, null, true] })).toBeUndefined();
    expect(findUnstorableText([{ x: 'ok' }, { y: ['\ud800'] }])).toBe('1.y.0');
    expect(findUnstorableText('\u0000')).toBe('(body)');
    expect(findUnstorableText(Buffer.from([0, 0xd8]))).toBeUndefined(); // bytes, not text
    expect(findUnstorableText({ at: new Date(0), raw: Buffer.alloc(3) })).toBeUndefined();
  });

  it('copies only what changes, so identity says whether anything was cleaned', () => {
    const clean = { a: 'x', b: [1, { c: 'y' }] };
    expect(toStorableValue(clean)).toBe(clean);
    const dirty = { a: 'x', b: [1, { ['k\u0000']: 'y\ud800' }] };
    const cleaned = toStorableValue(dirty);
    expect(cleaned).not.toBe(dirty);
    expect(cleaned).toEqual({ a: 'x', b: [1, { 'k\ufffd': 'y\ufffd' }] });
    expect(cleaned.a).toBe('x');
    expect(dirty.b[1]).toEqual({ ['k\u0000']: 'y\ud800' });
  });
});
