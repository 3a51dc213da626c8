import { ParseUUIDPipe } from '@nestjs/common';
import { notFound } from './problem';

/** `@Param('id', IdPipe)`: an id that is not a UUID names nothing, so it is a 404 like any unknown id. */
export const IdPipe = new ParseUUIDPipe({ exceptionFactory: () => notFound() });
