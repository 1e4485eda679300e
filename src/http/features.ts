import type { FastifyInstance } from 'fastify';
import { healthRoutes } from '../features/health/routes.js';
import { authRoutes } from '../features/auth/routes.js';
import { userRoutes } from '../features/users/routes.js';
import { areaRoutes } from '../features/areas/routes.js';
import { registryRoutes, publicRegistryRoutes } from '../features/registry/routes.js';
import { auditRoutes } from '../features/audit/routes.js';
import { programmeRoutes } from '../features/programmes/routes.js';
import { intakeRoutes } from '../features/intake/routes.js';
import { enrollmentRoutes } from '../features/enrollment/routes.js';
import { authPages } from '../web/pages/auth.js';
import { homePages } from '../web/pages/home.js';
import { registryPages } from '../web/pages/registry.js';
import { assetRoutes } from '../web/pages/assets.js';
import { programmePages } from '../web/pages/programmes.js';
import { intakePages } from '../web/pages/intake.js';
import { enrollmentPages } from '../web/pages/enrollment.js';

/** Every feature's routes, API and screens. A feature is added here and nowhere else. */
export async function registerFeatures(app: FastifyInstance): Promise<void> {
  healthRoutes(app);
  authRoutes(app);
  userRoutes(app);
  areaRoutes(app);
  registryRoutes(app);
  publicRegistryRoutes(app);
  auditRoutes(app);
  programmeRoutes(app);
  intakeRoutes(app);
  enrollmentRoutes(app);
  authPages(app);
  homePages(app);
  registryPages(app);
  programmePages(app);
  intakePages(app);
  enrollmentPages(app);
  assetRoutes(app);
}
