// PostgreSQL errors a caller can act on: unique and foreign-key violations become ConflictError with
// a message the capability chose for the constraint; anything else passes through untouched.
import { ConflictError } from '@plantwatch/shared';

export function pgError(error: unknown): { code?: string; constraint?: string } | undefined {
  for (let e: unknown = error; e instanceof Error || (typeof e === 'object' && e !== null); ) {
    const candidate = e as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        constraint: typeof candidate.constraint === 'string' ? candidate.constraint : undefined,
      };
    }
    e = candidate.cause;
  }
  return undefined;
}

/**
 * Runs `work`; a unique (23505) or foreign-key (23503, 23001) violation becomes ConflictError, with
 * `messages[constraint]` when the constraint is known (what it means to the person who sent the request).
 */
export async function conflictsAsErrors<T>(
  messages: Readonly<Record<string, string>>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const pgErr = pgError(error);
    if (pgErr?.code === '23505' || pgErr?.code === '23503' || pgErr?.code === '23001') {
      const message =
        (pgErr.constraint && messages[pgErr.constraint]) ??
        (pgErr.code === '23505' ? 'this already exists' : 'this is still referenced by other objects');
      throw new ConflictError(message, { cause: error });
    }
    throw error;
  }
}
