// In-process rate limiting (rate-limiter-flexible). Counts are per process: right for the local
// runtime; on AWS the API uses the PostgreSQL limiter (adapters/postgres/rate-limiter.ts), with the
// same semantics (testing/rate-limiter-contract.ts).
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiter } from '../../ports.ts';

export function createMemoryRateLimiter(options: { points: number; durationSeconds: number }): RateLimiter {
  const limiter = new RateLimiterMemory({ points: options.points, duration: options.durationSeconds });
  const wait = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes)
          return { allowed: false, retryAfterSeconds: wait(rejection) };
        throw rejection;
      }
    },
    async check(key) {
      const res = await limiter.get(key);
      if (res && res.consumedPoints >= options.points)
        return { allowed: false, retryAfterSeconds: wait(res) };
      return { allowed: true };
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}
