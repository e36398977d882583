export {
  isRole,
  PERMISSIONS,
  type Permission,
  type Principal,
  permissionsOf,
  ROLE_APPROVAL_LIMIT_MINOR,
  ROLE_PERMISSIONS,
  ROLES,
  type Role,
} from './logic/roles.ts';
