// The policy form's preview of when pages go out, against the examples in docs/escalation.md.
import { describe, expect, it } from 'vitest';
import { pageTimes } from './policy-backoff.ts';

describe('when the pages of a policy go out', () => {
  it('repeats at the same pace without a backoff, a repeat starting after the last level’s delay', () => {
    expect(pageTimes({ delays: [0, 5], repeat: 2, backoff: null })).toEqual([
      [0, 5],
      [10, 15],
      [20, 25],
    ]);
  });

  it('doubles every wait of each repeat with factor 2 (levels at 0 and 5: waits 10 and 10, then 20 and 20)', () => {
    expect(pageTimes({ delays: [0, 5], repeat: 2, backoff: { factor: 2, maxDelayMinutes: 60 } })).toEqual([
      [0, 5],
      [15, 25],
      [45, 65],
    ]);
  });

  it('never waits longer than the cap, and keeps a level delay already longer than the cap', () => {
    expect(pageTimes({ delays: [0, 30], repeat: 2, backoff: { factor: 3, maxDelayMinutes: 60 } })).toEqual([
      [0, 30],
      [90, 150],
      [210, 270],
    ]);
    expect(pageTimes({ delays: [90], repeat: 1, backoff: { factor: 2, maxDelayMinutes: 60 } })).toEqual([
      [90],
      [180],
    ]);
  });

  it('has nothing to show without levels', () => {
    expect(pageTimes({ delays: [], repeat: 3, backoff: null })).toEqual([]);
  });
});
