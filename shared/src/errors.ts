// Domain errors. One class per outcome a caller can act on; the HTTP layer maps them to status
// codes in one place (functions/src/api/errors.ts). Messages of these classes are shown to callers.

export type ErrorDetails = Record<string, unknown> | readonly unknown[];

export class DomainError extends Error {
  readonly details?: ErrorDetails;
  constructor(message: string, options?: { cause?: unknown; details?: ErrorDetails }) {
    super(message, { cause: options?.cause });
    this.name = new.target.name;
    if (options?.details !== undefined) this.details = options.details;
  }
}

/** The input is well-formed but violates a rule (e.g. a tag address that does not fit its device). */
export class InvalidInputError extends DomainError {}
/** Not authenticated: missing, unknown, expired or revoked credentials. */
export class UnauthenticatedError extends DomainError {}
/** Authenticated, but the role does not allow this. */
export class ForbiddenError extends DomainError {}
/** Absent, or belonging to another tenant (never say which). */
export class NotFoundError extends DomainError {}
/** Clashes with existing state (duplicate key, e-mail already registered, last owner). */
export class ConflictError extends DomainError {}
/** A gateway did not answer a command before its deadline (offline, or the PLC behind it is slow). */
export class GatewayTimeoutError extends DomainError {}
/** Something the request needs (the MQTT broker) cannot be reached just now; a retry may work. */
export class UnavailableError extends DomainError {}
export class RateLimitedError extends DomainError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The tenant's plan does not allow this (one more tag than the plan's limit): HTTP 402, with the
 * limit named in the message and in `details` ({ limit, allowed, used, plan }).
 */
export class PlanLimitError extends DomainError {}
