// The one contract every RateLimiter adapter passes (in memory, PostgreSQL on PGlite and on a real
// server). Each adapter's test file calls it with a way to make a limiter; keys are random per test,
// so limiters made from one database never see each other's counts.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RateLimiter } from '../ports.ts';

export type MakeRateLimiter = (options: { points: number; durationSeconds: number }) => RateLimiter;

const key = () => `client-${randomUUID()}`;
const consumeTimes = async (limiter: RateLimiter, k: string, times: number) => {
  const results = [];
  for (let i = 0; i < times; i += 1) results.push(await limiter.consume(k));
  return results;
};

export function describeRateLimiterContract(adapter: string, make: MakeRateLimiter): void {
  describe(`RateLimiter contract: ${adapter}`, () => {
    it('allows `points` attempts in a window and refuses the next with the wait until it ends', async () => {
      const limiter = make({ points: 3, durationSeconds: 600 });
      const k = key();
      const results = await consumeTimes(limiter, k, 5);
      expect(results.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
      for (const refused of results.slice(3)) {
        expect(refused.allowed).toBe(false);
        if (!refused.allowed) {
          expect(refused.retryAfterSeconds).toBeGreaterThan(590);
          expect(refused.retryAfterSeconds).toBeLessThanOrEqual(600);
        }
      }
    });

    it('check does not count an attempt, and refuses once the key has used its points', async () => {
      const limiter = make({ points: 2, durationSeconds: 600 });
      const k = key();
      for (let i = 0; i < 5; i += 1) expect(await limiter.check(k)).toEqual({ allowed: true });
      await limiter.consume(k);
      expect(await limiter.check(k)).toEqual({ allowed: true });
      await limiter.consume(k);
      const checked = await limiter.check(k);
      expect(checked).toMatchObject({ allowed: false });
      if (!checked.allowed) expect(checked.retryAfterSeconds).toBeGreaterThan(590);
    });

    it('counts each key on its own', async () => {
      const limiter = make({ points: 1, durationSeconds: 600 });
      const [a, b] = [key(), key()];
      expect(await limiter.consume(a)).toEqual({ allowed: true });
      expect((await limiter.consume(a)).allowed).toBe(false);
      expect(await limiter.consume(b)).toEqual({ allowed: true });
      expect(await limiter.check(b)).toMatchObject({ allowed: false });
    });

    it('reset forgets the key: its points are all there again', async () => {
      const limiter = make({ points: 2, durationSeconds: 600 });
      const k = key();
      await consumeTimes(limiter, k, 3);
      expect(await limiter.check(k)).toMatchObject({ allowed: false });
      await limiter.reset(k);
      expect(await limiter.check(k)).toEqual({ allowed: true });
      expect(await consumeTimes(limiter, k, 3)).toEqual([
        { allowed: true },
        { allowed: true },
        expect.objectContaining({ allowed: false }),
      ]);
      await limiter.reset(key()); // a key never seen: nothing to forget, no error
    });

    it('starts a new window once the window has ended, even after refused attempts', async () => {
      const limiter = make({ points: 1, durationSeconds: 1 });
      const k = key();
      const results = await consumeTimes(limiter, k, 3);
      expect(results[0]).toEqual({ allowed: true });
      // the window started at the first attempt: refused attempts do not push its end out
      expect(results[2]).toEqual({ allowed: false, retryAfterSeconds: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await limiter.check(k)).toEqual({ allowed: true });
      expect(await limiter.consume(k)).toEqual({ allowed: true });
      expect((await limiter.consume(k)).allowed).toBe(false);
    }, 10_000);

    it('loses no count when attempts on one key arrive at the same time', async () => {
      const limiter = make({ points: 5, durationSeconds: 600 });
      const k = key();
      const results = await Promise.all(Array.from({ length: 12 }, () => limiter.consume(k)));
      expect(results.filter((r) => r.allowed)).toHaveLength(5);
      expect(await limiter.check(k)).toMatchObject({ allowed: false });
    }, 20_000);
  });
}
