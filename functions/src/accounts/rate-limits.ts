/** Counts attempts per key within a window; used to slow down password guessing. */
export interface RateLimiter {
  /** Records one attempt; `allowed` false means the caller must wait `retryAfterSeconds`. */
  consume(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  /** Whether the key is already over its limit, without recording an attempt. */
  check(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  reset(key: string): Promise<void>;
}
