// The web app's configuration: one zod schema, parsed once; process.env is read (and, for
// next-auth, written) nowhere else in web/.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const optional = <T extends z.ZodType>(schema: T) => schema.optional();

export const webEnvSchema = z
  .object({
    /** The Plantwatch API the web server calls (server-side only; the browser never talks to it). */
    API_URL: z
      .url({ message: 'must be a URL such as http://127.0.0.1:4000' })
      .default('http://127.0.0.1:4000'),
    /**
     * The API's address as the outside world (Twilio, e-mail readers) reaches it, as the API's own
     * PUBLIC_API_URL; unset: API_URL. Only shown (the Twilio webhook addresses); never called.
     */
    PUBLIC_API_URL: optional(z.url({ protocol: /^https?$/, message: 'must be an http(s):// URL' })),
    HOST: z.string().min(1).default('127.0.0.1'),
    WEB_PORT: z.coerce
      .number()
      .int()
      .min(0, 'must be a port 0-65535')
      .max(65_535, 'must be a port 0-65535')
      .default(3000),
    DATA_DIR: z.string().min(1).default('.data'),
    /** Signs and encrypts session cookies. Unset: generated once and kept in DATA_DIR/web/. */
    NEXTAUTH_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    /** The address people open; unset: http://HOST:port of this server. */
    NEXTAUTH_URL: optional(z.url({ message: 'must be a URL such as https://plantwatch.example.com' })),
    /** production serves `next build` output (web/build.ts); dev compiles pages on first request. */
    WEB_MODE: z.enum(['dev', 'production'], { message: 'must be dev or production' }).default('production'),
    /** Next's output folder inside web/; tests give each run its own so runs never share a lock. */
    WEB_DIST_DIR: z
      .string()
      .regex(/^\.next[\w.-]*$/, 'must be a folder name starting with .next')
      .default('.next'),
    /** Optional single sign-on: all three set turns the OIDC provider on. */
    OIDC_ISSUER: optional(z.url({ message: 'must be the issuer URL' })),
    OIDC_CLIENT_ID: optional(z.string().min(1)),
    OIDC_CLIENT_SECRET: optional(z.string().min(1)),
    OIDC_NAME: z.string().min(1).default('single sign-on'),
    /**
     * Optional map tiles for the fleet map, e.g. https://tile.example.com/{z}/{x}/{y}.png; unset, the
     * map is drawn from the sites' coordinates alone and no tile service is contacted.
     */
    MAP_TILE_URL: optional(
      z
        .url({ message: 'must be a tile URL template such as https://tile.example.com/{z}/{x}/{y}.png' })
        .refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL')
        .refine(
          (url) => ['{z}', '{x}', '{y}'].every((part) => url.includes(part)),
          'must contain {z}, {x} and {y}',
        ),
    ),
    /**
     * Where live push (server-sent events) does not get through, the alarm bar and site pages ask for
     * changes this often instead (ms); tests set it high to prove what they see was pushed.
     */
    LIVE_FALLBACK_POLL_MS: z.coerce
      .number({ message: 'must be a number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(500, 'must be at least 500 ms')
      .max(3_600_000, 'must be at most an hour')
      .default(1_500),
    /** Shown under a tiled map: tile servers' terms ask for it (e.g. "© OpenStreetMap contributors"). */
    MAP_TILE_ATTRIBUTION: optional(z.string().min(1).max(200)),
    /**
     * The secret the API trusts this server's forwarded client address and User-Agent with (ADR 0031):
     * the local runtime's webProxySecret, a Secrets Manager secret on AWS. Unset: nothing is forwarded
     * and the API sees this server's own address for every browser.
     */
    API_PROXY_SECRET: optional(z.string().min(16, 'must be at least 16 characters')),
    /**
     * The request header that holds the browser's address, set by something this server trusts: the
     * local server writes x-plantwatch-client-ip from its socket (serve.ts); behind CloudFront,
     * cloudfront-viewer-address. Unset: no address is forwarded (a header a browser could forge is
     * never read by default).
     */
    CLIENT_IP_HEADER: optional(
      z.string().regex(/^[a-z0-9-]+$/, 'must be a lower-case header name such as cloudfront-viewer-address'),
    ),
  })
  .refine(
    (env) =>
      [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].every((v) => v === undefined) ||
      [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].every((v) => v !== undefined),
    {
      message: 'set all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none',
      path: ['OIDC_ISSUER'],
    },
  );
export type WebEnv = z.infer<typeof webEnvSchema>;

export function parseWebEnv(source: Record<string, string | undefined>): WebEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = webEnvSchema.safeParse(cleaned);
  if (!result.success) throw new Error(`invalid web environment:\n${z.prettifyError(result.error)}`);
  return result.data;
}

let parsed: WebEnv | undefined;

/** The environment of this process, parsed on first use. */
export function webEnv(): WebEnv {
  parsed ??= parseWebEnv(process.env);
  return parsed;
}

/** The environment a web server child process is started with. */
export function childEnv(
  values: Record<string, string | undefined> & { NODE_ENV: 'development' | 'production' },
): NodeJS.ProcessEnv {
  const merged: Record<string, string | undefined> = { ...process.env, ...values };
  const defined = Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return { ...defined, NODE_ENV: values.NODE_ENV };
}

/**
 * next-auth reads NEXTAUTH_URL and NEXTAUTH_SECRET from process.env itself; the web server sets
 * them once it knows its port and secret, before the first request.
 */
export function publishAuthEnv(values: { url: string; secret: string }): void {
  process.env.NEXTAUTH_URL = values.url;
  process.env.NEXTAUTH_SECRET = values.secret;
  parsed = undefined;
}

/**
 * Next's production server reads its configuration from here instead of running next.config.ts, as
 * the standalone server.js `next build` writes does (serve.ts: the build's resolved configuration).
 */
export function publishBuiltNextConfig(config: Record<string, unknown>): void {
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
}

/** For local use only: a random secret, generated on first start and kept (mode 0600) under DATA_DIR. */
export async function localAuthSecret(dataDir: string): Promise<string> {
  const dir = join(resolve(dataDir), 'web');
  const file = join(dir, 'nextauth-secret');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
