import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../http/principal';
import { DOCS_PATH, DOCUMENT_PATH, packageVersion } from './openapi';

/**
 * `/`: where someone who just started Ponte looks first. An index of links, as api.github.com
 * answers at its root, instead of a bare 404.
 */
@ApiExcludeController()
@Public()
@Controller()
export class RootController {
  private readonly index = {
    name: 'Ponte',
    version: packageVersion(),
    docs: `/${DOCS_PATH}`,
    openapi: `/${DOCUMENT_PATH}`,
    health: '/health',
  };

  @Get()
  root(): typeof this.index {
    return this.index;
  }
}
