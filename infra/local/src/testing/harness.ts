// Test harness: a real local runtime (in-memory PGlite, real HTTP on 127.0.0.1, a port chosen by
// the OS) and a small client that speaks its API.
import { parseLocalEnv } from '../env.ts';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../runtime.ts';

/** Tests use a cheap scrypt cost; the format and code path are the production ones. */
export const TEST_PASSWORD_COST = { N: 2 ** 12, r: 8, p: 1 };

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestApi {
  runtime: LocalRuntime;
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

/** A client of the API at `apiUrl` (a runtime in this process, or in a process of its own). */
export function apiClient(apiUrl: string): Pick<TestApi, 'call' | 'signUp'> {
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
      const password = `correct horse ${label}`;
      const res = await call('POST', '/v1/auth/signup', {
        body: {
          tenantName: `${label} Utilities`,
          name: `${label} Owner`,
          email,
          password,
          timeZone: 'Europe/Paris',
        },
      });
      if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
      return {
        token: res.body.token,
        tenantId: res.body.tenant.id,
        userId: res.body.user.id,
        email,
        password,
      };
    },
  };
}

export async function startTestApi(options: Partial<LocalRuntimeOptions> = {}): Promise<TestApi> {
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
  });
  const { call, signUp } = apiClient(runtime.apiUrl);
  return {
    runtime,
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
