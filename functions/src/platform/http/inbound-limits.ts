// Rate limits on the routes the outside world calls without a bearer credential to prove itself
// otherwise (Twilio's and Telegram's webhooks, e-mail acknowledgement links): by client address and
// by tenant, 429 with Retry-After. Refused requests (a forged signature, an unknown link) count
// against the address much sooner than good ones, so guessing is slow while a provider's bursts pass.
import { ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError } from '@plantwatch/shared';
import { HttpRequestError } from './errors.ts';
import type { ApiEvent } from './http.ts';
import type { Route } from './route.ts';

type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The rate limiter port's shape (accounts/ports.ts RateLimiter); the same adapters serve both. */
export interface InboundLimiter {
  consume(key: string): Promise<Verdict>;
  check(key: string): Promise<Verdict>;
}

export interface InboundLimitDeps {
  inboundLimits: {
    /** Every inbound request from one client address. */
    perIp: InboundLimiter;
    /** Every inbound request for one tenant (its webhooks, its links), from anywhere. */
    perTenant: InboundLimiter;
    /** Refused inbound requests (401, 403, 404) from one client address. */
    refusedPerIp: InboundLimiter;
    /** Readings pushed by one HTTP push device (POST /v1/ingest/http). */
    httpIngestPerDevice: InboundLimiter;
  };
}

/** Whether a route is one of the inbound ones this guards. */
export const isInboundRoute = (route: { path: string }) =>
  route.path.startsWith('/v1/webhooks/') || route.path.startsWith('/v1/ack/');

/** The tenant an inbound request is for: the webhook path names it, an acknowledgement token starts with it. */
export function inboundTenant(event: ApiEvent): string | null {
  const params = event.pathParameters ?? {};
  const candidate = params.tenantId ?? params.token?.split('.')[0];
  return candidate && /^[0-9a-f-]{36}$/i.test(candidate) ? candidate.toLowerCase() : null;
}

const refused = (error: unknown) =>
  error instanceof ForbiddenError ||
  error instanceof UnauthenticatedError ||
  error instanceof NotFoundError ||
  (error instanceof HttpRequestError && [401, 403, 404].includes(error.statusCode));

function tooMany(verdict: Verdict, what: string): void {
  if (!verdict.allowed) {
    throw new RateLimitedError(
      `too many ${what}; try again in ${verdict.retryAfterSeconds} s`,
      verdict.retryAfterSeconds,
    );
  }
}

/** The route with the limits in front of it (routes that are not inbound are returned as they are). */
export function limitInbound<D>(route: Route<D>): Route<D & InboundLimitDeps> {
  if (!isInboundRoute(route)) return route as Route<D & InboundLimitDeps>;
  return {
    ...route,
    errors: [...new Set([...(route.errors ?? []), 429])],
    async execute(event, deps, authenticate) {
      const limits = deps.inboundLimits;
      const ip = event.requestContext?.http?.sourceIp ?? 'unknown';
      tooMany(await limits.refusedPerIp.check(ip), 'refused requests from this address');
      tooMany(await limits.perIp.consume(ip), 'requests from this address');
      const tenant = inboundTenant(event);
      if (tenant)
        tooMany(await limits.perTenant.consume(tenant), "requests for this organisation's webhooks");
      try {
        const result = await route.execute(event, deps, authenticate);
        if ([401, 403, 404].includes(result.statusCode)) await limits.refusedPerIp.consume(ip);
        return result;
      } catch (error) {
        if (refused(error)) await limits.refusedPerIp.consume(ip);
        throw error;
      }
    },
  };
}
