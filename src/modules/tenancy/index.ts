export { ENTITIES_SPEC, importEntities } from './import-entities.ts';
export { tenancyError } from './tenancy.errors.ts';
export {
  DEFAULT_ENTITY,
  DEFAULT_TENANT,
  type Entity,
  findEntities,
  findEntityByCode,
  getDefaultEntity,
  getTenantId,
  initTenant,
  insertEntity,
} from './tenancy.service.ts';
