// When an escalation policy's pages go out if nobody acknowledges: each level after its delay, the
// repeats after that, each repeat's waits grown by the repeat backoff. The same arithmetic as the
// chain itself (functions/src/escalation/steps.ts: advance and roundWait), for the policy form's
// preview; minutes after the raise.

export interface BackoffPolicy {
  /** Each level's delay in minutes, in order. */
  delays: readonly number[];
  repeat: number;
  backoff: { factor: number; maxDelayMinutes: number } | null;
}

/** A wait of repeat round `round`: factor^round times the delay, never past the cap (a longer delay stays). */
export function roundWaitMinutes(policy: BackoffPolicy, minutes: number, round: number): number {
  const backoff = policy.backoff;
  if (!backoff || round === 0 || minutes === 0) return minutes;
  const grown = Math.round(minutes * 60 * backoff.factor ** round) / 60;
  return Math.max(minutes, Math.min(grown, backoff.maxDelayMinutes));
}

/** Per round, the minutes after the raise at which each level pages. */
export function pageTimes(policy: BackoffPolicy): number[][] {
  const { delays } = policy;
  if (delays.length === 0) return [];
  const rounds: number[][] = [];
  let at = 0;
  for (let round = 0; round <= policy.repeat; round++) {
    const times: number[] = [];
    delays.forEach((delay, level) => {
      // a repeated round starts after the first level's delay, or the last level's when the first has none
      const wait =
        level === 0 && round > 0
          ? roundWaitMinutes(policy, delays[0] || (delays.at(-1) ?? 0), round)
          : roundWaitMinutes(policy, delay, round);
      at += wait;
      times.push(Math.round(at * 100) / 100);
    });
    rounds.push(times);
  }
  return rounds;
}
