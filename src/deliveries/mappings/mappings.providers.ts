import { Mapping } from './mapping.entity';
import { MappingsController } from './mappings.controller';
import { MappingsService } from './mappings.service';

/** What DeliveriesModule registers for mappings (entities go to TypeOrmModule.forFeature). */
export const MAPPING_ENTITIES = [Mapping];
export const MAPPING_CONTROLLERS = [MappingsController];
export const MAPPING_PROVIDERS = [MappingsService];
