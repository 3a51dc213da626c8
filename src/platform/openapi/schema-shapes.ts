import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptions,
  getSchemaPath,
  OmitType,
  OpenAPIObject,
} from '@nestjs/swagger';
import { classDeclarations, type PluginPoint } from '../plugins/plugin-point';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * A property typed `object` with neither `properties` nor `additionalProperties` (what Nest emits
 * for `Record<string, unknown>`) reads as "an object with no keys" to openapi-typescript, which
 * types it `Record<string, never>`: no client could send event data or a config without a cast.
 * Such a property is free-form JSON, so the document says so (`additionalProperties: true`).
 */
export function markFreeFormObjects(document: OpenAPIObject): void {
  const visit = (schema: unknown): void => {
    if (!schema || typeof schema !== 'object') return;
    if (Array.isArray(schema)) return schema.forEach(visit);
    const s = schema as SchemaObject & Record<string, unknown>;
    const composed = s.allOf ?? s.oneOf ?? s.anyOf;
    if (s.type === 'object' && !s.properties && s.additionalProperties === undefined && !composed)
      s.additionalProperties = true;
    for (const value of Object.values(s)) visit(value);
  };
  visit(document.components?.schemas);
  visit(document.paths);
}

export interface KindVariant {
  /** The discriminator's value. */
  kind: string;
  /** Properties of the base DTO this kind narrows: `config` at least. */
  properties: Record<string, ApiPropertyOptions>;
}

/** A create body whose variants are the kinds declared on a plug-in point (`@SourceKindPlugin`). */
export interface KindBody<O extends object> {
  base: Type;
  point: PluginPoint<unknown, O>;
  /** The order the document lists the kinds in: the DTO's published `kind` enum. */
  order: readonly string[];
  /** The properties one declared kind narrows (its `config` schema), from its declaration. */
  properties: (kind: string, options: O) => Record<string, ApiPropertyOptions>;
}

const KIND_BODY = Symbol('ponte:kind-body');
/** Methods whose variants were applied: decorators append, so each method gets them once per process. */
const APPLIED = new WeakSet<object>();

/**
 * A create body whose `config` depends on `kind`, documented as a union discriminated by `kind`
 * (`oneOf` + `discriminator`): one schema per kind, named `<Kind><Base>` (MetaCreateSourceDto),
 * holding the base DTO's other properties. These classes only describe; the base DTO still
 * validates the request, and the service checks the config of its kind.
 *
 * The kinds are declared by other modules, so the union is built when the document is
 * (`applyKindBodies`, from the app's provider classes: no instance is needed, preview mode works).
 */
export function ApiBodyByKind<O extends object>(body: KindBody<O>): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(KIND_BODY, body, descriptor.value as object);
  };
}

/** Applies each `@ApiBodyByKind` of these controllers with the kinds these provider classes declare. */
export function applyKindBodies(controllers: unknown[], providers: unknown[]): void {
  const classes = [...new Set(providers)];
  for (const controller of new Set(controllers)) {
    if (typeof controller !== 'function') continue;
    const proto = controller.prototype as object;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      const method = descriptor?.value as object | undefined;
      if (!descriptor || typeof method !== 'function' || APPLIED.has(method)) continue;
      const body = Reflect.getMetadata(KIND_BODY, method) as KindBody<object> | undefined;
      if (!body) continue;
      APPLIED.add(method);
      const rank = (kind: string) => {
        const at = body.order.indexOf(kind);
        return at < 0 ? body.order.length : at;
      };
      const variants = classes
        .flatMap((type) => classDeclarations(body.point, type))
        .sort((a, b) => rank(a.name) - rank(b.name))
        .map((d) => ({ kind: d.name, properties: body.properties(d.name, d.options) }));
      unionBody(body.base, variants)(proto, name, descriptor);
    }
  }
}

function unionBody(base: Type, variants: KindVariant[]): MethodDecorator {
  const classes = variants.map((variant) => ({ kind: variant.kind, type: variantClass(base, variant) }));
  return applyDecorators(
    ApiExtraModels(...classes.map((c) => c.type)),
    ApiBody({
      schema: {
        oneOf: classes.map((c) => ({ $ref: getSchemaPath(c.type) })),
        discriminator: {
          propertyName: 'kind',
          mapping: Object.fromEntries(classes.map((c) => [c.kind, getSchemaPath(c.type)])),
        },
      },
    }),
  );
}

function variantClass(base: Type, variant: KindVariant): Type {
  const narrowed = ['kind', ...Object.keys(variant.properties)] as Array<keyof object>;
  class Variant extends OmitType(base, narrowed) {}
  const name = `${variant.kind[0].toUpperCase()}${variant.kind.slice(1)}${base.name}`;
  Object.defineProperty(Variant, 'name', { value: name });
  const kind: ApiPropertyOptions = { description: 'Kind', enum: [variant.kind], example: variant.kind };
  for (const [key, options] of Object.entries({ kind, ...variant.properties }))
    ApiProperty(options)(Variant.prototype, key);
  return Variant;
}
