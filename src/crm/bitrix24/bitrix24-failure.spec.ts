import { Bitrix24Failure, limitBackoffMs } from './bitrix24-failure';

describe('pacing after QUERY_LIMIT_EXCEEDED', () => {
  it('waits at least half a second, doubling, capped at 8 s', () => {
    const low = [0, 1, 2, 3, 4, 5, 6].map((a) => limitBackoffMs(a, () => 0));
    const high = [0, 1, 2, 3, 4, 5, 6].map((a) => limitBackoffMs(a, () => 1));
    expect(low).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    expect(high).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('a refused grant needs a person; a rate limit does not', () => {
    expect(new Bitrix24Failure('invalid_grant', 'x').reauth).toBe(true);
    expect(new Bitrix24Failure('QUERY_LIMIT_EXCEEDED', 'x').reauth).toBe(false);
    expect(new Bitrix24Failure('expired_token', 'x').reauth).toBe(false);
  });
});
