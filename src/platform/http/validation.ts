import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { FieldError, ProblemException } from './problem';
import { memoizeValidationRules } from './validation-rules-memo';

/** class-validator errors as `{field: 'to.phone', message}` with dot paths through nested DTOs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field =
      e.property === undefined || e.property === ''
        ? parent
        : parent
          ? `${parent}.${e.property}`
          : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field: field || '(body)', message });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/**
 * ValidationPipe lets a missing body through untouched; a route that takes a DTO must get an
 * object, or an empty `POST /v1/dlq/retry` would mean "everything".
 */
class BodyRequiredValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto =
      metadata.type === 'body' && typeof metadata.metatype === 'function' && metadata.metatype !== Object;
    if (isDto && (value === null || typeof value !== 'object')) {
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: [{ field: '(body)', message: 'the body must be a JSON object' }],
      });
    }
    const transformed: unknown = await super.transform(value, metadata);
    const error = isDto ? shapeError(transformed) : undefined;
    if (error) {
      throw new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', { errors: [error] });
    }
    return transformed;
  }
}

interface PropertyDoc {
  nullable?: boolean;
  isArray?: boolean;
  type?: unknown;
}

/**
 * What class-validator lets through and the services do not expect, found from what the DTOs
 * already declare for the OpenAPI document: `@IsOptional()` passes `null` as well as a missing
 * field, so `{"name": null}` on a PATCH reached a NOT NULL column (a 500) — null is refused unless
 * the field says `nullable: true`; and `@ValidateNested()` passes an array of nested DTOs where
 * one object is declared (`"content": []`). Nested DTOs are walked too.
 */
function shapeError(dto: unknown, parent = ''): FieldError | undefined {
  if (dto === null || typeof dto !== 'object') return undefined;
  const at = (key: string | number) => (parent ? `${parent}.${key}` : String(key));
  if (Array.isArray(dto)) {
    for (const [i, item] of dto.entries()) {
      const found = shapeError(item, at(i));
      if (found) return found;
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(dto) as object | null;
  if (!prototype || prototype === Object.prototype) return undefined;
  for (const [key, value] of Object.entries(dto)) {
    const doc = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, key) as
      PropertyDoc | undefined;
    if (doc && value === null && !doc.nullable) return { field: at(key), message: 'must not be null' };
    const oneDto =
      typeof doc?.type === 'function' &&
      !doc.isArray &&
      Reflect.hasMetadata(
        DECORATORS.API_MODEL_PROPERTIES_ARRAY,
        (doc.type as { prototype: object }).prototype,
      );
    if (oneDto && Array.isArray(value)) return { field: at(key), message: 'must be an object' };
    const found = shapeError(value, at(key));
    if (found) return found;
  }
  return undefined;
}

/** Global pipe: unknown fields are refused, values transformed to the DTO types. */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationRules();
  return new BodyRequiredValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flattenValidationErrors(errors);
      return new ProblemException('VALIDATION_FAILED', 'One or more fields are invalid', {
        errors: fields.length ? fields : [{ field: '(body)', message: 'the body must be a JSON object' }],
      });
    },
  });
}
