import 'server-only';
// The one HTTP client for the Plantwatch API. Server-side only: the bearer token never reaches the browser.
import { headers as requestHeaders } from 'next/headers';
import { clientAddressFrom, clientAgentFrom } from '../client-address.ts';
import { serverConfig } from './config.ts';

export interface ApiIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];
  /** The envelope's details as sent (e.g. a plan limit's {limit, allowed, used, plan}). */
  readonly details: unknown;
  /** A 429's Retry-After, in seconds. */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    issues: ApiIssue[] = [],
    options?: ErrorOptions & { details?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
    this.details = options?.details;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export class ApiUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('the Plantwatch API is not answering', options);
    this.name = 'ApiUnavailableError';
  }
}

function issuesOf(details: unknown): ApiIssue[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d) =>
    d && typeof d === 'object' && typeof d.path === 'string' && typeof d.message === 'string'
      ? [{ path: d.path, message: d.message }]
      : [],
  );
}

/** The browser's request headers; null outside a request (Next's own signals, e.g. "this page is dynamic", pass). */
async function incomingHeaders(): Promise<Headers | null> {
  try {
    return (await requestHeaders()) as unknown as Headers;
  } catch (error) {
    if (error && typeof error === 'object' && 'digest' in error) throw error;
    return null;
  }
}

/**
 * What every call to the API carries besides its own headers (ADR 0031): the proxy secret, and with
 * it the browser's address and User-Agent, so login throttles and the sessions list see the person,
 * not this server. Outside a request (nothing to forward) only the secret, or nothing.
 */
export async function forwardedHeaders(): Promise<Record<string, string>> {
  const { API_PROXY_SECRET: secret, CLIENT_IP_HEADER: ipHeader } = serverConfig();
  if (!secret) return {};
  const forwarded: Record<string, string> = { 'x-plantwatch-proxy-secret': secret };
  const incoming = await incomingHeaders();
  const address = ipHeader ? clientAddressFrom(incoming?.get(ipHeader)) : undefined;
  const agent = clientAgentFrom(incoming?.get('user-agent'));
  if (address) forwarded['x-plantwatch-client-ip'] = address;
  if (agent) forwarded['x-plantwatch-client-agent'] = agent;
  return forwarded;
}

const retryAfterOf = (response: Response): number | undefined => {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
};

export async function callApi(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${serverConfig().apiUrl}${path}`, {
      method,
      headers: {
        ...(await forwardedHeaders()),
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiUnavailableError({ cause: error });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch (error) {
    throw new ApiError(response.status, 'bad_response', 'the API sent something that is not JSON', [], {
      cause: error,
    });
  }
  if (!response.ok) {
    const envelope = (json as { error?: { code?: string; message?: string; details?: unknown } })?.error;
    const retryAfterSeconds = retryAfterOf(response);
    throw new ApiError(
      response.status,
      envelope?.code ?? 'error',
      envelope?.message ?? response.statusText,
      issuesOf(envelope?.details),
      { details: envelope?.details, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) },
    );
  }
  return json;
}
