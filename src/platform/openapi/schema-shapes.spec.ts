import type { OpenAPIObject } from '@nestjs/swagger';
import { markFreeFormObjects } from './schema-shapes';

const doc = (schemas: Record<string, unknown>): OpenAPIObject =>
  ({
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {},
    components: { schemas },
  }) as OpenAPIObject;

describe('markFreeFormObjects', () => {
  it('says a bare object is free-form JSON, and leaves shaped and composed ones alone', () => {
    const d = doc({
      Dto: {
        type: 'object',
        properties: {
          data: { type: 'object' },
          headers: { type: 'object', additionalProperties: { type: 'string' } },
          quietHours: { type: 'object', allOf: [{ $ref: '#/components/schemas/Q' }] },
          nested: { type: 'object', properties: { meta: { type: 'object' } } },
        },
      },
    });
    markFreeFormObjects(d);
    const props = (d.components!.schemas!.Dto as any).properties;
    expect(props.data.additionalProperties).toBe(true);
    expect(props.headers.additionalProperties).toEqual({ type: 'string' });
    expect(props.quietHours.additionalProperties).toBeUndefined();
    expect(props.nested.additionalProperties).toBeUndefined();
    expect(props.nested.properties.meta.additionalProperties).toBe(true);
  });
});
