// The one place errors become HTTP responses: the envelope { error: { code, message, details? } }.
// Messages of domain errors and validation issues are shown; anything else is a generic 500.
import {
  ConflictError,
  ForbiddenError,
  GatewayTimeoutError,
  InvalidInputError,
  NotFoundError,
  PlanLimitError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
} from '@plantwatch/shared';
import { z } from 'zod';
import { type ApiResult, json } from './http.ts';

export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'not_found' }),
      message: z.string().meta({ example: 'site not found' }),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Thrown by the HTTP layer itself: malformed JSON, unknown route, oversized body. */
export class HttpRequestError extends Error {
  readonly statusCode: number;
  readonly code: string;
  constructor(statusCode: number, code: string, message: string) {
    super(message);
    this.name = 'HttpRequestError';
    this.statusCode = statusCode;
    this.code = code;
  }
}

/** Zod issues where they occurred (`body.connection.port`), in words a person can act on. */
export class RequestValidationError extends Error {
  readonly issues: { path: string; message: string }[];
  constructor(part: 'body' | 'path' | 'query', error: z.ZodError) {
    const issues = error.issues.map((issue) => ({
      path: [part, ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.name = 'RequestValidationError';
    this.issues = issues;
  }
}

export function errorResponse(error: unknown, log: (error: unknown) => void): ApiResult {
  const envelope = (
    status: number,
    code: string,
    message: string,
    details?: unknown,
    headers?: Record<string, string>,
  ) =>
    json(status, { error: details === undefined ? { code, message } : { code, message, details } }, headers);

  if (error instanceof RequestValidationError)
    return envelope(400, 'invalid_request', error.message, error.issues);
  if (error instanceof HttpRequestError) return envelope(error.statusCode, error.code, error.message);
  if (error instanceof UnauthenticatedError) {
    return envelope(401, 'unauthenticated', error.message, undefined, { 'www-authenticate': 'Bearer' });
  }
  if (error instanceof ForbiddenError) return envelope(403, 'forbidden', error.message);
  if (error instanceof NotFoundError) return envelope(404, 'not_found', error.message);
  if (error instanceof ConflictError) return envelope(409, 'conflict', error.message);
  if (error instanceof InvalidInputError) return envelope(422, 'unprocessable', error.message, error.details);
  if (error instanceof PlanLimitError) return envelope(402, 'plan_limit', error.message, error.details);
  if (error instanceof UnavailableError) return envelope(503, 'unavailable', error.message);
  if (error instanceof GatewayTimeoutError) return envelope(504, 'gateway_timeout', error.message);
  if (error instanceof RateLimitedError) {
    return envelope(429, 'rate_limited', error.message, undefined, {
      'retry-after': String(error.retryAfterSeconds),
    });
  }
  log(error);
  return envelope(500, 'internal', 'something went wrong on our side; it has been logged');
}
