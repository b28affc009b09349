// The local runtime's configuration: parsed once at start-up; process.env is read nowhere else.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';

const port = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(0, 'must be a port 0-65535')
    .max(65_535, 'must be a port 0-65535')
    .default(fallback);

export const DEFAULT_DEMO_EMAIL = 'demo@plantwatch.local';
export const DEFAULT_DEMO_PASSWORD = 'plantwatch-demo';

export const localEnvSchema = z.object({
  /** Interface every server binds to; 127.0.0.1 unless you mean to expose the product. */
  HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port(4000),
  WEB_PORT: port(3000),
  MQTT_PORT: port(8883),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Any PostgreSQL server for the config store; unset means embedded PGlite under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  /** Timestream is the AWS stack's alone (`-c telemetryStore=timestream`): refused here by name. */
  TELEMETRY_STORE: z
    .enum(['duckdb', 'postgres'], {
      message: 'must be duckdb or postgres (Timestream is for the AWS stack only, docs/telemetry.md)',
    })
    .default('duckdb'),
  /**
   * How long a gateway provisioned here may hold changes to publish them together (written into its
   * bundle). Messages cost nothing on this broker and a change to an alarmed value waits up to this
   * long, so the default is short; the AWS stack sets seconds, where each message is billed (ADR 0026).
   */
  GATEWAY_PUBLISH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /** DuckDB's memory cap for the embedded telemetry store (its `memory_limit`, e.g. 512MB or 2GB). */
  TELEMETRY_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as 512MB or 2GB')
    .default('512MB'),
  /** Signs report download links; unset means a random secret generated once into DATA_DIR. */
  REPORT_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** The From address of alarm e-mails sent over SMTP_URL. */
  SMTP_FROM: z.string().min(3).default('Plantwatch alarms <alarms@plantwatch.local>'),
  /**
   * The URL the outside world reaches the API on, when it is not http://HOST:API_PORT (a tunnel or
   * proxy in front): e-mail acknowledgement links point there and Twilio signatures are checked against it.
   */
  PUBLIC_API_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s):// URL' }).optional(),
  /**
   * The web app's address as people reach it: verification and password-reset links point there.
   * Unset: http://HOST:WEB_PORT.
   */
  PUBLIC_WEB_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s):// URL' }).optional(),
  /** The plan a tenant that signs up starts on (a plan of the catalogue; docs/accounts.md). */
  SIGNUP_PLAN: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a plan id such as starter or unlimited')
    .default('unlimited'),
  /**
   * The key that seals provider and TOTP secrets, base64 of 32 bytes (several, comma-separated, while
   * rotating: the first seals). Unset: a key generated once into DATA_DIR/secrets-keys.json (0600).
   */
  SECRETS_KEY: z.string().min(40, 'must be base64 of 32 bytes (openssl rand -base64 32)').optional(),
  /** on: seed the demo tenant and run its simulated PLCs and gateway; off for a real site. */
  DEMO: z
    .enum(['on', 'off', 'true', 'false', '1', '0'], { message: 'must be on or off' })
    .default('on')
    .transform((value) => value === 'on' || value === 'true' || value === '1'),
  DEMO_EMAIL: z.email('must be an e-mail address').default(DEFAULT_DEMO_EMAIL),
  DEMO_PASSWORD: z.string().min(10, 'must be at least 10 characters').default(DEFAULT_DEMO_PASSWORD),
  /**
   * production (default): the web app serves a production build, made on the first start and again
   * only when the web sources change; dev: Next's dev server (pages compiled on first visit, hot reload).
   */
  WEB_MODE: z.enum(['dev', 'production'], { message: 'must be dev or production' }).default('production'),
  /** How often the periodic alarm check runs (communication loss, delays, shelving expiry). */
  ALARM_CHECK_SECONDS: z.coerce
    .number({ message: 'must be a number of seconds, 1-300' })
    .min(1, 'must be 1-300 seconds')
    .max(300, 'must be 1-300 seconds')
    .default(5),
  /**
   * How often the service canary sends a synthetic alarm through the real path to the outbox (its
   * own system tenant); 0 turns it off. A trip whose page is not out within a minute turns
   * /v1/health degraded.
   */
  SERVICE_CANARY_MINUTES: z.coerce
    .number({ message: 'must be a number of minutes, 0-1440' })
    .int('must be a whole number of minutes')
    .min(0, 'must be 0-1440 minutes')
    .max(1440, 'must be 0-1440 minutes')
    .default(5),
  /** Where a backup is written every night at 02:00 (local time); unset: no nightly backups. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** How many nightly backups BACKUP_DIR keeps (the newest). */
  BACKUP_KEEP: z.coerce
    .number({ message: 'must be a number of backups, 1-365' })
    .int('must be a whole number')
    .min(1, 'must be 1-365')
    .max(365, 'must be 1-365')
    .default(7),
  /** Encrypts backups (nightly and `npm run backup`); needed with BACKUP_DIR. */
  BACKUP_PASSPHRASE: z.string().min(12, 'must be at least 12 characters').optional(),
});
export type LocalEnv = z.infer<typeof localEnvSchema>;

/** Which ports the user set explicitly: those must be used as given, never swapped for a free one. */
export function explicitPorts(
  source: Record<string, string | undefined>,
): Set<'API_PORT' | 'WEB_PORT' | 'MQTT_PORT'> {
  return new Set(
    (['API_PORT', 'WEB_PORT', 'MQTT_PORT'] as const).filter(
      (name) => source[name] !== undefined && source[name] !== '',
    ),
  );
}

export function parseLocalEnv(source: Record<string, string | undefined>): LocalEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = localEnvSchema
    .refine((env) => !env.BACKUP_DIR || env.BACKUP_PASSPHRASE, {
      path: ['BACKUP_PASSPHRASE'],
      message: 'is needed with BACKUP_DIR: backups are encrypted',
    })
    .safeParse(cleaned);
  if (!result.success) {
    throw new Error(`invalid environment:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/**
 * Next.js allows one dev server per output folder (production builds share one, see web/build.ts). Each data directory is one product instance,
 * so each gets its own folder: `.next` for the default `.data`, `.next-<hash>` for any other.
 */
export function webDistDir(dataDir: string): string {
  const resolved = resolve(dataDir);
  if (resolved === resolve('.data')) return '.next';
  return `.next-${createHash('sha256').update(resolved).digest('hex').slice(0, 10)}`;
}
