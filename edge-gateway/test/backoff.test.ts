// Reconnect pacing: the capped backoff, and the reachability probe that brings a PLC back within
// seconds of its return however long it was away, shown over simulated outages of minutes to a day.
import { describe, expect, it } from 'vitest';
import { Backoff, type ReconnectWorld, waitToReconnect } from '../src/backoff.ts';

/** A deterministic stand-in for Math.random. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * A PLC that goes away at time 0 and comes back at `returnsAt` (simulated ms). While it is away its
 * port refuses at once, or (`unreachableMs`) a probe waits that long for nothing, as with a dead host.
 */
function simulatedPlc(returnsAt: number, unreachableMs = 0) {
  let now = 0;
  let attempts = 0;
  const world: ReconnectWorld = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    probe: async () => {
      if (now >= returnsAt) {
        now += 1;
        return true;
      }
      now += Math.max(1, unreachableMs);
      return false;
    },
  };
  return {
    world,
    /** A full reconnect attempt (connect and poll); true once the PLC is back. */
    attempt(): boolean {
      attempts += 1;
      now += unreachableMs > 0 && now < returnsAt ? unreachableMs : 5;
      return now >= returnsAt;
    },
    get now() {
      return now;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** The driver's loop: attempt, and on failure wait the next backoff delay (cut short by a probe). */
async function reconnectAfter(outageMs: number, seed: number, unreachableMs = 0) {
  const plc = simulatedPlc(outageMs, unreachableMs);
  const backoff = new Backoff({ initialMs: 1000, maxMs: 10_000 }, seeded(seed));
  while (!plc.attempt()) {
    await waitToReconnect(plc.world, { delayMs: backoff.next(), probeMs: 1000 });
  }
  return { lateMs: plc.now - outageMs, attempts: plc.attempts };
}

describe('Backoff', () => {
  it('doubles from 1 s and never waits more than 10 s by default', () => {
    const backoff = new Backoff({}, () => 0);
    const delays = Array.from({ length: 5000 }, () => backoff.next());
    expect(delays.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(Math.max(...delays)).toBe(10_000);
    expect(delays.at(-1)).toBe(10_000);
  });

  it('takes its cap from the settings', () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 3000 }, () => 0);
    expect(Array.from({ length: 6 }, () => backoff.next())).toEqual([500, 1000, 2000, 3000, 3000, 3000]);
  });

  it('spreads retries with up to 20 % jitter below the ceiling', () => {
    const low = new Backoff({}, () => 1);
    const high = new Backoff({}, () => 0);
    for (let i = 0; i < 20; i += 1) {
      low.next();
      high.next();
    }
    expect(high.next()).toBe(10_000);
    expect(low.next()).toBe(8000);
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({}, () => 0);
    for (let i = 0; i < 30; i += 1) backoff.next();
    backoff.reset();
    expect(backoff.currentMs).toBe(0);
    expect(backoff.next()).toBe(1000);
  });
});

describe('reconnecting after a long outage (simulated clock)', () => {
  const outages = [
    ['3 minutes', 3 * 60_000],
    ['1 hour', 3_600_000],
    ['1 day', 86_400_000],
  ] as const;

  it.each(outages)('reconnects within 5 s of a refusing PLC coming back after %s', async (_, outageMs) => {
    for (let seed = 1; seed <= 20; seed += 1) {
      // The return lands anywhere inside a probe interval.
      const { lateMs, attempts } = await reconnectAfter(outageMs + seed * 37, seed);
      expect(lateMs).toBeLessThan(5000);
      // Full reconnect attempts stay paced by the capped backoff (at least 8 s apart once capped)...
      expect(attempts).toBeLessThan(outageMs / 8000 + 10);
      // ...and never stop: at least one every 10 s.
      expect(attempts).toBeGreaterThan(outageMs / 10_000 - 1);
    }
  });

  it.each(outages)(
    'reconnects within 5 s of an unreachable host coming back after %s',
    async (_, outageMs) => {
      for (let seed = 1; seed <= 20; seed += 1) {
        // Each probe of the dead host waits 1 s for an answer that never comes.
        const { lateMs } = await reconnectAfter(outageMs + seed * 53, seed, 1000);
        expect(lateMs).toBeLessThan(5000);
      }
    },
  );

  it('waits the whole delay when the port accepts but the device does not answer (no probe shortcut)', async () => {
    let now = 0;
    let probes = 0;
    const world: ReconnectWorld = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
      probe: async () => {
        probes += 1;
        return true;
      },
    };
    expect(await waitToReconnect(world, { delayMs: 10_000, probeMs: 1000 })).toBe('elapsed');
    expect(now).toBe(10_000);
    expect(probes).toBe(1);
  });
});
