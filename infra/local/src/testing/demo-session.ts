// Test helper for suites about the demo tenant: a runtime seeded with it for the suite's life, its
// owner logged in, and the simulated lift station stepped with a reproducible random stream.
// (Apart from harness.ts, which the benchmarks import outside Vitest: this one registers Vitest hooks.)
import { PlantModel } from '@plantwatch/edge-gateway/sim';
import { afterAll, beforeAll } from 'vitest';
import { logInAsDemoOwner, startTestApi, type TestApi } from './harness.ts';

export interface DemoSession {
  api: TestApi;
  tenantId: string;
  /** The demo owner's bearer token. */
  token: string;
}

/**
 * A local runtime seeded with the demo tenant for the suite (describe) it is called in: started and the
 * owner logged in before its tests, closed after them. Its fields are there from the suite's first
 * hook on; a suite's own `beforeAll`, registered after this call, runs after it.
 */
export function demoSession(): DemoSession {
  let started: DemoSession | undefined;
  const session = () => {
    if (!started) throw new Error('the demo session is read before its beforeAll started it');
    return started;
  };
  beforeAll(async () => {
    const api = await startTestApi({ seedDemo: true });
    started = { api, ...(await logInAsDemoOwner(api)) };
  }, 60_000);
  afterAll(async () => {
    await started?.api.close();
  });
  return {
    get api() {
      return session().api;
    },
    get tenantId() {
      return session().tenantId;
    },
    get token() {
      return session().token;
    },
  };
}

/** The demo's simulated lift station, its randomness a linear congruential generator from `seed`, never faulting. */
export function seededPlantModel(seed: number): PlantModel {
  let state = seed;
  return new PlantModel({
    random: () => {
      state = (state * 1_664_525 + 1_013_904_223) % 2 ** 32;
      return state / 2 ** 32;
    },
    meanSecondsBetweenFaults: 1e9,
  });
}
