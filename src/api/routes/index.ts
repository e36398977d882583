import type { ApiRoute } from '../route.ts';
import { approvalRoutes } from './approvals.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { cashRoutes } from './cash.routes.ts';
import { customerRoutes } from './customers.routes.ts';
import { importRoutes } from './imports.routes.ts';
import { partyRoutes } from './parties.routes.ts';
import { receivablesRoutes } from './receivables.routes.ts';
import { reportRoutes } from './reports.routes.ts';
import { userRoutes } from './users.routes.ts';

/** The route table: every route of the API with its one permission (tested route by route, role by role). */
export const ROUTES: readonly ApiRoute[] = [
  ...authRoutes,
  ...customerRoutes,
  ...receivablesRoutes,
  ...reportRoutes,
  ...partyRoutes,
  ...userRoutes,
  ...approvalRoutes,
  ...auditRoutes,
  ...cashRoutes,
  ...importRoutes,
];
