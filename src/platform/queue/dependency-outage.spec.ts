import { dependencyOutage, untilReachable } from './dependency-outage';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('dependencyOutage', () => {
  it('names PostgreSQL and Redis outages, also wrapped by an event handler', () => {
    expect(dependencyOutage(refused())).toBe('PostgreSQL');
    expect(dependencyOutage(new Error('Connection terminated unexpectedly'))).toBe('PostgreSQL');
    expect(dependencyOutage(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      'PostgreSQL',
    );
    expect(
      dependencyOutage(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe('Redis');
    expect(dependencyOutage(new Error('deliveries.fanout: connect ECONNREFUSED', { cause: refused() }))).toBe(
      'PostgreSQL',
    );
  });

  it('is not fooled by a receiver or provider refusing, nor by ordinary failures', () => {
    const outbound = Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:443'), { name: 'OutboundError' });
    expect(dependencyOutage(outbound)).toBeUndefined();
    expect(
      dependencyOutage(new Error('crm.bridge: connect ECONNREFUSED', { cause: outbound })),
    ).toBeUndefined();
    expect(dependencyOutage(new Error('duplicate key value violates unique constraint'))).toBeUndefined();
    expect(dependencyOutage('ECONNREFUSED')).toBeUndefined();
  });
});

describe('untilReachable', () => {
  it('retries a write through an outage, and throws any other error at once', async () => {
    let calls = 0;
    await expect(
      untilReachable(async () => {
        if (++calls < 3) throw refused();
        return 'written';
      }),
    ).resolves.toBe('written');
    expect(calls).toBe(3);
    let other = 0;
    await expect(
      untilReachable(async () => {
        other++;
        throw new Error('check constraint');
      }),
    ).rejects.toThrow('check constraint');
    expect(other).toBe(1);
  });
});
