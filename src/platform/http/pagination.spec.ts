import { decodeCursor, encodeCursor } from './pagination';

describe('cursor', () => {
  const id = '01936b2e-1f2a-7cc3-8a4b-1234567890ab';

  it('round-trips an id and refuses cursors it did not issue', () => {
    expect(decodeCursor(encodeCursor(id))).toEqual({ id, at: undefined });
    expect(() => decodeCursor('bm90LWEtY3Vyc29y')).toThrow(/Invalid cursor/);
  });

  it('round-trips a creation time with the id, for lists ordered by creation', () => {
    const at = new Date('2026-12-03T09:30:00.123Z');
    expect(decodeCursor(encodeCursor(id, at), true)).toEqual({ id, at });
    expect(() => decodeCursor(encodeCursor(id), true)).toThrow(/Invalid cursor/);
  });
});
