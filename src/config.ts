import path from 'node:path';

/** Everything the app reads from its environment, read in one place. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** Secure cookies need HTTPS; off for http://localhost. */
  secureCookies: boolean;
  sessionHours: number;
  /** Sign-in attempts per client address per minute, before 429 (account lockout is separate). */
  loginRatePerMinute: number;
  /** Largest spreadsheet accepted for intake. */
  maxUploadBytes: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.LINDUNG_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL && env.DATABASE_URL.length > 0 ? env.DATABASE_URL : null,
    secureCookies: env.LINDUNG_SECURE_COOKIES === '1',
    sessionHours: Number(env.LINDUNG_SESSION_HOURS ?? 8),
    loginRatePerMinute: Number(env.LINDUNG_LOGIN_RATE ?? 20),
    maxUploadBytes: Math.round(Number(env.LINDUNG_MAX_UPLOAD_MB ?? 160) * 1024 * 1024),
  };
}
