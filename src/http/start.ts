import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/types.js';
import { buildServer } from './server.js';

export async function startServer(db: Db, config: Config): Promise<FastifyInstance> {
  const app = await buildServer(db, config, { logger: process.env.LINDUNG_QUIET !== '1' });
  await app.listen({ port: config.port, host: config.host });
  // Checks cut off by the last stop start again from their stored files.
  const resumed = await app.intakeJobs.resume();
  if (resumed) app.log.info(`Resuming ${resumed} intake check(s)`);
  return app;
}
