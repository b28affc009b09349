import { describe, expect, it } from 'vitest';
import { Backoff } from '../src/backoff.ts';

describe('Backoff', () => {
  it('starts at 1 s and grows, never past 5 minutes', () => {
    const backoff = new Backoff({}, () => 0);
    const delays = Array.from({ length: 200 }, () => backoff.next());
    expect(delays[0]).toBe(1000);
    expect(delays[10]).toBeGreaterThan(delays[1] ?? 0);
    expect(Math.max(...delays)).toBe(300_000);
  });

  it('retries within 4 s once a device has been gone for 30 s', () => {
    const backoff = new Backoff({}, () => 0);
    let elapsed = 0;
    let delay = 0;
    while (elapsed < 30_000) {
      delay = backoff.next();
      elapsed += delay;
    }
    expect(delay).toBeLessThan(4000);
  });

  it('spreads retries with jitter below the exponential ceiling', () => {
    const low = new Backoff({}, () => 1);
    const high = new Backoff({}, () => 0);
    for (let i = 0; i < 20; i += 1) {
      low.next();
      high.next();
    }
    expect(low.next()).toBeLessThan(high.next());
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({}, () => 0);
    for (let i = 0; i < 30; i += 1) backoff.next();
    backoff.reset();
    expect(backoff.currentMs).toBe(0);
    expect(backoff.next()).toBe(1000);
  });
});
