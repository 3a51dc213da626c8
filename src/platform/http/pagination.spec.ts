import { decodeCursor, encodeCursor } from './pagination';

describe('cursor', () => {
  it('round-trips an id and refuses cursors it did not issue', () => {
    const id = '01936b2e-1f2a-7cc3-8a4b-1234567890ab';
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(() => decodeCursor('bm90LWEtY3Vyc29y')).toThrow(/Invalid cursor/);
  });
});
