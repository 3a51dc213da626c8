import { NotFoundException } from '@nestjs/common';
import { mapError, unavailableDependency } from './error-mapper';
import { ProblemException } from './problem';

describe('mapError', () => {
  it('keeps domain problems as they are', () => {
    expect(mapError(new ProblemException('SIGNATURE_INVALID', 'bad'))).toMatchObject({
      code: 'SIGNATURE_INVALID',
      detail: 'bad',
    });
  });

  it('maps Fastify parse and size errors to the contract codes', () => {
    const fst = (code: string) => Object.assign(new Error('x'), { code });
    expect(mapError(fst('FST_ERR_CTP_BODY_TOO_LARGE')).code).toBe('PAYLOAD_TOO_LARGE');
    expect(mapError(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE')).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(mapError(fst('FST_ERR_CTP_EMPTY_JSON_BODY')).code).toBe('MALFORMED_BODY');
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(mapError(new NotFoundException()).code).toBe('NOT_FOUND');
  });

  it('maps dependency outages to 503 with Retry-After', () => {
    const pg = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(mapError(pg)).toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      extras: { headers: { 'Retry-After': '5' } },
    });
    expect(unavailableDependency(pg)).toBe('PostgreSQL');
    expect(
      unavailableDependency(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe('Redis');
    expect(
      unavailableDependency(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ).toBe('PostgreSQL');
  });

  it('hides unexpected errors', () => {
    expect(mapError(new Error('relation "x" does not exist'))).toEqual({
      code: 'INTERNAL',
      detail: 'An unexpected error occurred',
      unexpected: true,
    });
  });
});
