// Test harness: a real local runtime (in-memory PGlite, real HTTP on 127.0.0.1, a port chosen by
// the OS) and a small client that speaks its API, signing up as a person would: the sign-up, then the
// link of the verification e-mail (read from the runtime's mailer or its DATA_DIR outbox).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMemoryReportMailer } from '@plantwatch/functions/reports/adapters/local/report-mailer';
import { simpleParser } from 'mailparser';
import { parseLocalEnv } from '../env.ts';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../runtime.ts';

/** Tests use a cheap scrypt cost; the format and code path are the production ones. */
export const TEST_PASSWORD_COST = { N: 2 ** 12, r: 8, p: 1 };

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** The account e-mails a runtime sent to an address, oldest first (subject and text). */
export type Mailbox = (to: string) => Promise<{ subject: string; text: string }[]>;

/** The link token of the newest account e-mail to `to` whose subject matches. */
export async function linkToken(mailbox: Mailbox, to: string, subject: RegExp): Promise<string> {
  const mails = (await mailbox(to)).filter((mail) => subject.test(mail.subject));
  const text = mails.at(-1)?.text ?? '';
  const token = text.match(/#token=([A-Za-z0-9_%-]+)/)?.[1];
  if (!token) throw new Error(`no e-mail with a link matching ${subject} was sent to ${to}`);
  return decodeURIComponent(token);
}

/** The account e-mails a runtime kept in DATA_DIR/outbox/accounts (no SMTP_URL). */
export function dataDirMailbox(dataDir: string): Mailbox {
  return async (to) => {
    const dir = join(dataDir, 'outbox', 'accounts');
    let files: string[];
    try {
      files = await readdir(dir);
    } catch {
      return [];
    }
    // The outbox names its files so that they sort in the order they were sent (outboxFileName): two
    // mails of one second have the same Date header.
    files.sort();
    const mails = await Promise.all(
      files.map(async (file) => {
        const parsed = await simpleParser(await readFile(join(dir, file)));
        const recipients = [parsed.to ?? []].flat().flatMap((address) => address.value.map((v) => v.address));
        return {
          to: recipients,
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
        };
      }),
    );
    return mails.filter((mail) => mail.to.includes(to)).map(({ subject, text }) => ({ subject, text }));
  };
}

export interface TestApi {
  runtime: LocalRuntime;
  /** The account e-mails (verification, reset) the runtime sent. */
  mailbox: Mailbox;
  // biome-ignore lint/suspicious/noExplicitAny: the test client returns whatever JSON the API sent
  call<T = any>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  signUp(
    label: string,
  ): Promise<{ token: string; tenantId: string; userId: string; email: string; password: string }>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * A client of the API at `apiUrl` (a runtime in this process, or in a process of its own); `mailbox`
 * is where its account e-mails can be read (sign-up follows the verification link).
 */
export function apiClient(apiUrl: string, mailbox: Mailbox): Pick<TestApi, 'call' | 'signUp'> {
  const call: TestApi['call'] = async (method, path, { token, body, rawBody, headers = {} } = {}) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    // An event stream stays open as long as the client reads it: its status and headers are the answer.
    if (/text\/event-stream/i.test(response.headers.get('content-type') ?? '')) {
      await response.body?.cancel();
      return { status: response.status, headers: response.headers, body: undefined };
    }
    const text = await response.text();
    // JSON answers parsed; any other (an image, a file) kept as its text.
    const isJson = /json/i.test(response.headers.get('content-type') ?? '');
    const parsed = isJson ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: text ? parsed : undefined };
  };
  return {
    call,
    async signUp(label) {
      counter += 1;
      const email = `${label}-${counter}-${Date.now()}@example.com`;
      const password = `cobalt lantern meadow ${counter}`;
      const res = await call('POST', '/v1/auth/signup', {
        body: {
          tenantName: `${label} Utilities`,
          name: `${label} Owner`,
          email,
          password,
          timeZone: 'Europe/Paris',
        },
      });
      if (res.status !== 202) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
      const token = await linkToken(mailbox, email, /confirm your e-mail address/);
      const verified = await call('POST', '/v1/auth/verify-email', { body: { token } });
      if (verified.status !== 200) {
        throw new Error(`verification failed: ${verified.status} ${JSON.stringify(verified.body)}`);
      }
      return {
        token: verified.body.token,
        tenantId: verified.body.tenant.id,
        userId: verified.body.user.id,
        email,
        password,
      };
    },
  };
}

export async function startTestApi(options: Partial<LocalRuntimeOptions> = {}): Promise<TestApi> {
  const mail = createMemoryReportMailer();
  const mailbox: Mailbox = async (to) =>
    mail.sent.filter((m) => m.to.includes(to)).map((m) => ({ subject: m.subject, text: m.text }));
  const runtime = await startLocalRuntime({
    // The service canary only where a test asks for it (options.serviceCanary).
    env: parseLocalEnv({
      API_PORT: '0',
      MQTT_PORT: '0',
      DATA_DIR: '/nonexistent-unused',
      SERVICE_CANARY_MINUTES: '0',
    }),
    explicitPorts: new Set(['API_PORT', 'MQTT_PORT']),
    telemetry: { kind: 'duckdb', path: ':memory:' },
    certificateDir: null,
    passwordCost: TEST_PASSWORD_COST,
    seedDemo: false,
    database: { kind: 'pglite' },
    reports: { inMemory: true, schedule: false },
    ...options,
    // Suites sign up many tenants from 127.0.0.1: the per-address limit on sign-ups is raised here
    // (the suites about those limits set their own).
    accounts: {
      mailer: mail,
      ...options.accounts,
      limits: { account_requests_ip: { points: 10_000, durationSeconds: 3600 }, ...options.accounts?.limits },
    },
  });
  const { call, signUp } = apiClient(runtime.apiUrl, mailbox);
  return {
    runtime,
    mailbox,
    call,
    signUp,
    close: () => runtime.close(),
  };
}

/** Polls `probe` until it returns a value, failing with `what` once `withinMs` has passed. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  withinMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The seeded demo tenant (`startTestApi({ seedDemo: true })`): its id and its owner's bearer token. */
export async function logInAsDemoOwner(api: TestApi): Promise<{ tenantId: string; token: string }> {
  const demo = api.runtime.demo;
  if (!demo?.password) throw new Error('the demo tenant was not seeded');
  const login = await api.call('POST', '/v1/auth/login', {
    body: { email: demo.email, password: demo.password },
  });
  return { tenantId: demo.tenantId, token: login.body.token };
}
