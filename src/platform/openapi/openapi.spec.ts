import { Controller, Get, INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../http/principal';
import { buildOpenApiDocument, serializeOpenApiDocument } from './openapi';
import { ApiProblems } from './problem-response';

@ApiTags('api-keys')
@Controller('v1/things')
class ThingsController {
  @Get()
  @ApiOperation({ summary: 'List things' })
  @ApiProblems(400, 401, 429)
  list(): void {}

  @Post('ping')
  @Public()
  @ApiOperation({ summary: 'Ping' })
  @ApiProblems(503)
  ping(): void {}
}

@ApiTags('operations')
@Public()
@Controller('status')
class StatusController {
  @Get()
  @ApiOperation({ summary: 'Status' })
  status(): void {}
}

@Module({ controllers: [ThingsController, StatusController] })
class ThingsModule {}

describe('buildOpenApiDocument', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await NestFactory.create(ThingsModule, new FastifyAdapter(), { preview: true, logger: false });
  });
  afterAll(() => app.getHttpAdapter().close());

  it('files problems under application/problem+json with the shared schema', () => {
    const doc = buildOpenApiDocument(app);
    const responses = doc.paths['/v1/things'].get!.responses as Record<string, any>;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['400', '401', '429']));
    expect(responses['401']).toMatchObject({
      description: expect.stringContaining('UNAUTHENTICATED'),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemResponse' } } },
    });
    expect(responses['401'].content['application/json']).toBeUndefined();
    expect(responses['429'].headers['Retry-After']).toBeDefined();
    expect(doc.components!.schemas!.ProblemResponse).toBeDefined();
  });

  it('lifts the global security requirement on @Public() routes only', () => {
    const doc = buildOpenApiDocument(app);
    expect(doc.security).toEqual([{ bearer: [] }, { 'api-key': [] }]);
    expect(doc.paths['/v1/things'].get!.security).toBeUndefined();
    expect(doc.paths['/v1/things/ping'].post!.security).toEqual([]);
    expect(doc.paths['/status'].get!.security).toEqual([]);
  });

  it('lists only the tags some operation uses, in the declared order', () => {
    expect(buildOpenApiDocument(app).tags!.map((t) => t.name)).toEqual(['api-keys', 'operations']);
  });

  it('is deterministic', () => {
    expect(serializeOpenApiDocument(buildOpenApiDocument(app))).toBe(
      serializeOpenApiDocument(buildOpenApiDocument(app)),
    );
  });

  it('refuses a status that no problem code has', () => {
    expect(() => ApiProblems(418)).toThrow(/no problem code has status 418/);
  });
});
