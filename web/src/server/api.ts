import 'server-only';
// The one HTTP client for the Plantwatch API. Server-side only: the bearer token never reaches the browser.
import { serverConfig } from './config.ts';

export interface ApiIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];
  constructor(
    status: number,
    code: string,
    message: string,
    issues: ApiIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.issues = issues;
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
    throw new ApiError(
      response.status,
      envelope?.code ?? 'error',
      envelope?.message ?? response.statusText,
      issuesOf(envelope?.details),
    );
  }
  return json;
}
