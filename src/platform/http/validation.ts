import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ProblemException } from './problem';

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
    return super.transform(value, metadata);
  }
}

/** Global pipe: unknown fields are refused, values transformed to the DTO types. */
export function createValidationPipe(): ValidationPipe {
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
