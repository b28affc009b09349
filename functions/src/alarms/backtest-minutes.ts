// Backtesting on rollups (ADR 0052): a minute whose samples cannot change any of a rule's alarms is
// skipped on the strength of its 1-minute rollup, and only the minutes that may change one are read
// raw and run by the live engine. Exact, not approximate: a minute is skipped only when every sample
// in it provably leaves the engine's state as it is, so what is raised and when stays what the engine
// raises over every raw sample.
import type { AlarmRule } from '@plantwatch/shared';
import type { MinuteExtremes } from '../telemetry/ports.ts';
import { type AlarmKey, type AlarmRuleState, isActive } from './engine.ts';

const MINUTE_MS = 60_000;
/**
 * A raw read goes on through the next minute that must be read whatever the state when at most this
 * many samples lie before it in other minutes: one query costs about what reading that many does.
 */
const MERGE_SAMPLES = 1_200;

/**
 * Whether a minute all of whose samples are good, its numbers within [min, max] (null: it has none),
 * leaves one alarm's condition as it is, given whether that alarm is active (which sets the deadband).
 */
type Quiet = (active: boolean, min: number | null, max: number | null) => boolean;

/**
 * Each alarm of the rule with the test that says a minute leaves it alone; null for a rule whose
 * state a minute's extremes cannot settle: rate of change and digital edges (they compare each
 * sample with the one before), totalizers and counters (their window slides with every sample),
 * operating curves (two tags), digital states (booleans are not in the rollup's min and max),
 * comparisons with a text or boolean value, and communication loss (never backtested).
 */
export function quietTests(rule: AlarmRule): { key: AlarmKey; quiet: Quiet }[] | null {
  switch (rule.kind) {
    case 'limit':
      return rule.levels.map((entry) => {
        // the engine's own expressions, value > threshold - margin and value < threshold + margin, with
        // margin the deadband while active and 0 while not
        const threshold = entry.threshold;
        const deadband = entry.deadband ?? rule.deadband;
        const high = entry.level === 'hihi' || entry.level === 'hi';
        return {
          key: entry.level,
          quiet: numbers((active, min, max) =>
            high
              ? active
                ? min > threshold - deadband
                : max <= threshold
              : active
                ? max < threshold + deadband
                : min >= threshold,
          ),
        };
      });
    case 'comparison': {
      const limit = rule.value;
      if (typeof limit !== 'number') return null;
      const deadband = rule.deadband;
      const equal = (min: number, max: number) => min === limit && max === limit;
      const apart = (min: number, max: number) => max < limit || min > limit;
      const tests: Record<typeof rule.op, (active: boolean, min: number, max: number) => boolean> = {
        '>': (active, min, max) => (active ? min > limit - deadband : max <= limit),
        '>=': (active, min, max) => (active ? min >= limit - deadband : max < limit),
        '<': (active, min, max) => (active ? max < limit + deadband : min >= limit),
        '<=': (active, min, max) => (active ? max <= limit + deadband : min > limit),
        '==': (active, min, max) => (active ? equal(min, max) : apart(min, max)),
        '!=': (active, min, max) => (active ? apart(min, max) : equal(min, max)),
      };
      return [{ key: 'alarm', quiet: numbers(tests[rule.op]) }];
    }
    case 'badQuality':
      // every sample of the minute is good: the condition is false throughout
      return [{ key: 'alarm', quiet: (active) => !active }];
    default:
      return null;
  }
}

/**
 * A numeric test made safe for what min and max cannot tell: no numbers at all judge nothing, and a
 * NaN (which both stores order above every number) would hide inside them, so it is read raw.
 */
function numbers(test: (active: boolean, min: number, max: number) => boolean): Quiet {
  return (active, min, max) => {
    if (min === null || max === null) return true;
    if (Number.isNaN(min) || Number.isNaN(max)) return false;
    return test(active, min, max);
  };
}

/**
 * Nothing is pending: every alarm's condition agrees with its state (no on- or off-delay running) and
 * none is shelved, out of service or suppressed, so time alone changes nothing either.
 */
function settled(state: AlarmRuleState, keys: readonly AlarmKey[]): boolean {
  for (const key of keys) {
    const alarm = state.alarms[key];
    if (alarm === undefined) return false;
    if (alarm.condition !== isActive(alarm.state)) return false;
    if (alarm.shelvedUntil !== null || alarm.outOfService || alarm.suppressed) return false;
  }
  return true;
}

/** What the walk over the minutes needs from the engine's run. */
export interface MinuteRun {
  readonly state: AlarmRuleState;
  /** Counts samples the engine did not see, against the backtest's sample limit. */
  skip(samples: number): void;
  /** Reads [from, to) raw and runs the engine over it. */
  readRaw(from: number, to: number): Promise<void>;
}

/**
 * Walks [from, to) minute by minute. A minute is skipped when the state is settled, the rollup saw
 * all its samples (all good) and its extremes leave every alarm where it is; the engine's state then
 * stays exactly what running those samples would have left, apart from fields these rule kinds never
 * read again (the previous sample, each alarm's latest value, which the next sample sets before any
 * transition can carry it). Every other minute is read raw, together with the minutes after it that
 * must be read whatever the state, so a crossing costs one query, not one per minute (reading raw
 * more than needed changes nothing: raw is what the engine always sees). The partial minutes at
 * either end are read raw.
 */
export async function walkMinutes(
  rule: AlarmRule,
  range: { from: number; to: number },
  extremes: (from: number, to: number) => Promise<MinuteExtremes>,
  run: MinuteRun,
): Promise<{ skippedMinutes: number; rawReads: number }> {
  const tests = quietTests(rule);
  const first = Math.ceil(range.from / MINUTE_MS) * MINUTE_MS;
  const last = Math.floor(range.to / MINUTE_MS) * MINUTE_MS;
  let rawReads = 0;
  let cursor = range.from;
  const readUntil = async (until: number) => {
    if (until <= cursor) return;
    rawReads++;
    await run.readRaw(cursor, until);
    cursor = until;
  };
  if (tests === null || first >= last) {
    await readUntil(range.to);
    return { skippedMinutes: 0, rawReads };
  }
  const keys = tests.map((test) => test.key);
  const minutes = await extremes(first, last);
  await readUntil(first);
  cursor = first;
  const complete = (i: number) => minutes.samples[i] === minutes.good[i];
  const quietNow = (i: number) => {
    if (!complete(i) || !settled(run.state, keys)) return false;
    const min = minutes.min[i] ?? null;
    const max = minutes.max[i] ?? null;
    return tests.every(({ key, quiet }) =>
      quiet(isActive(run.state.alarms[key]?.state ?? 'normal'), min, max),
    );
  };
  // read raw whatever the state: samples the rollup did not see, or an alarm it changes either way
  const loudAnyway = (i: number) => {
    if (!complete(i)) return true;
    const min = minutes.min[i] ?? null;
    const max = minutes.max[i] ?? null;
    return tests.some(({ quiet }) => !quiet(true, min, max) && !quiet(false, min, max));
  };
  /** The end (exclusive) of a raw read starting at minute i: see MERGE_SAMPLES. */
  const stretchEnd = (i: number) => {
    let end = i + 1;
    for (let next = end, between = 0; next < minutes.ts.length; next++) {
      if (loudAnyway(next)) {
        end = next + 1;
        between = 0;
        continue;
      }
      between += minutes.samples[next] as number;
      if (between > MERGE_SAMPLES) break;
    }
    return end;
  };
  let skippedMinutes = 0;
  for (let i = 0; i < minutes.ts.length; ) {
    const start = minutes.ts[i] as number;
    if (quietNow(i)) {
      run.skip(minutes.samples[i] as number);
      skippedMinutes++;
      // no sample lies between minutes listed (the list holds every minute with one)
      cursor = start + MINUTE_MS;
      i++;
      continue;
    }
    const end = stretchEnd(i);
    cursor = start;
    await readUntil((minutes.ts[end - 1] as number) + MINUTE_MS);
    i = end;
  }
  cursor = Math.max(cursor, last);
  await readUntil(range.to);
  return { skippedMinutes, rawReads };
}
