import type { ApiRoute } from '../route.ts';
import { agencyRoutes } from './agencies.routes.ts';
import { analyticsRoutes } from './analytics.routes.ts';
import { approvalRoutes } from './approvals.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { authRoutes } from './auth.routes.ts';
import { cashRoutes } from './cash.routes.ts';
import { collectionsRoutes } from './collections.routes.ts';
import { customerRoutes } from './customers.routes.ts';
import { dunningRoutes } from './dunning.routes.ts';
import { experimentRoutes } from './experiments.routes.ts';
import { importRoutes } from './imports.routes.ts';
import { partyRoutes } from './parties.routes.ts';
import { receivablesRoutes } from './receivables.routes.ts';
import { reportRoutes } from './reports.routes.ts';
import { userRoutes } from './users.routes.ts';
import { worklistRoutes } from './worklist.routes.ts';

/** The route table: every route of the API with its one permission (tested route by route, role by role). */
export const ROUTES: readonly ApiRoute[] = [
  ...authRoutes,
  ...customerRoutes,
  ...receivablesRoutes,
  ...reportRoutes,
  ...analyticsRoutes,
  ...partyRoutes,
  ...userRoutes,
  ...approvalRoutes,
  ...auditRoutes,
  ...cashRoutes,
  ...importRoutes,
  ...dunningRoutes,
  ...collectionsRoutes,
  ...worklistRoutes,
  ...agencyRoutes,
  ...experimentRoutes,
];
