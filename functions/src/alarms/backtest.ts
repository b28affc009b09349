// Alarm backtesting (issue 17, ADR 0039): a rule not yet saved, run by the live engine
// (evaluateSamples) over a tag's stored raw samples, page by page, from a fresh state; what it raised
// and cleared is summed up as an engineer judges a rule: raises, time in alarm, chattering.
import {
  type AlarmBacktest,
  type AlarmRule,
  alarmRuleSchema,
  assertCurvePoints,
  type BacktestAlarmRule,
  CHATTER_RAISES,
  CHATTER_WINDOW_MS,
  DERIVED_DEVICE_KEY,
  InvalidInputError,
  MAX_BACKTEST_SAMPLES,
  MAX_BACKTEST_TIMELINE,
  NotFoundError,
} from '@plantwatch/shared';
import type { DerivedTagRepositories } from '../derived-tags/ports.ts';
import type { PlantRepositories } from '../plant/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { canSeeSite, type Principal } from '../platform/principal.ts';
import type { MinuteExtremes, TagRef, TelemetrySample, TelemetryStore } from '../telemetry/ports.ts';
import { quietTests, walkMinutes } from './backtest-minutes.ts';
import type { AlarmCurveRepositories } from './curve-ports.ts';
import {
  type AlarmKey,
  type AlarmTransition,
  alarmKeys,
  evaluateSamples,
  initialAlarmRuleState,
} from './engine.ts';

export interface BacktestDeps {
  store: TenantStore<Pick<PlantRepositories, 'tags'> & DerivedTagRepositories & AlarmCurveRepositories>;
  telemetry: Pick<TelemetryStore, 'range' | 'minuteExtremes'>;
}

type Reader = (from: number, to: number, limit: number) => Promise<readonly TelemetrySample[]>;

/** Samples read from the store per query at most: enough to keep round trips few, few enough to keep memory flat. */
export const BACKTEST_PAGE = 100_000;
/**
 * Each query reads one window of time: a store orders a bounded window quickly, where "the next N
 * after t" over the whole range makes it sort what remains of the range each time.
 */
export const BACKTEST_WINDOW_MS = 6 * 3_600_000;

/** Every raw sample in [from, to), oldest first, one window (or page of one) at a time. */
export async function* readInWindows(
  range: { from: number; to: number },
  read: Reader,
): AsyncGenerator<readonly TelemetrySample[]> {
  for (let windowFrom = range.from; windowFrom < range.to; windowFrom += BACKTEST_WINDOW_MS) {
    const windowTo = Math.min(windowFrom + BACKTEST_WINDOW_MS, range.to);
    for (let from = windowFrom; from < windowTo; ) {
      const page = await read(from, windowTo, BACKTEST_PAGE);
      if (page.length > 0) yield page;
      if (page.length < BACKTEST_PAGE) break;
      from = (page[page.length - 1] as TelemetrySample).ts + 1;
    }
  }
}

interface KeyTally {
  raises: number;
  clears: number;
  timeInAlarmMs: number;
  activeSince: number | null;
  chatteringEpisodes: number;
  /** Raises of the current run, each within the chatter window of the one before. */
  run: number;
  lastRaise: number | null;
}

/** Sums up a rule's transitions as they come: counts, time in alarm, chattering runs, the timeline. */
export function createBacktestTally(rule: AlarmRule) {
  const tallies = new Map<AlarmKey, KeyTally>(
    alarmKeys(rule).map((key) => [
      key,
      {
        raises: 0,
        clears: 0,
        timeInAlarmMs: 0,
        activeSince: null,
        chatteringEpisodes: 0,
        run: 0,
        lastRaise: null,
      },
    ]),
  );
  const timeline: AlarmBacktest['timeline'] = [];
  let truncated = false;
  return {
    add(transitions: readonly AlarmTransition[]): void {
      for (const transition of transitions) {
        if (transition.kind !== 'raised' && transition.kind !== 'cleared') continue;
        const tally = tallies.get(transition.key);
        if (!tally) continue;
        if (transition.kind === 'raised') {
          tally.raises++;
          tally.activeSince = transition.at;
          tally.run =
            tally.lastRaise !== null && transition.at - tally.lastRaise <= CHATTER_WINDOW_MS
              ? tally.run + 1
              : 1;
          if (tally.run === CHATTER_RAISES) tally.chatteringEpisodes++;
          tally.lastRaise = transition.at;
        } else {
          tally.clears++;
          if (tally.activeSince !== null) tally.timeInAlarmMs += transition.at - tally.activeSince;
          tally.activeSince = null;
        }
        if (timeline.length < MAX_BACKTEST_TIMELINE) {
          timeline.push({
            at: new Date(transition.at).toISOString(),
            key: transition.key,
            kind: transition.kind,
            value: transition.value ?? null,
          });
        } else {
          truncated = true;
        }
      }
    },
    result(range: { from: number; to: number }, samples: number): AlarmBacktest {
      const alarms = [...tallies].map(([key, tally]) => ({
        key,
        raises: tally.raises,
        clears: tally.clears,
        timeInAlarmMs: tally.timeInAlarmMs + (tally.activeSince === null ? 0 : range.to - tally.activeSince),
        chatteringEpisodes: tally.chatteringEpisodes,
        activeAtEnd: tally.activeSince !== null,
      }));
      const sum = (pick: (alarm: (typeof alarms)[number]) => number) =>
        alarms.reduce((total, alarm) => total + pick(alarm), 0);
      return {
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        samples,
        raises: sum((alarm) => alarm.raises),
        clears: sum((alarm) => alarm.clears),
        timeInAlarmMs: sum((alarm) => alarm.timeInAlarmMs),
        chatteringEpisodes: sum((alarm) => alarm.chatteringEpisodes),
        alarms,
        timeline,
        timelineTruncated: truncated,
      };
    },
  };
}

/**
 * The live engine from a fresh state over samples handed to it oldest first, exactly as ingest hands
 * batches to it: nothing is acknowledged, shelved or ticked in between, and the engine applies delays
 * at the instant they fall due whatever the batch boundaries.
 */
function createBacktestRun(rule: AlarmRule, read: Reader) {
  let state = initialAlarmRuleState(rule);
  const tally = createBacktestTally(rule);
  let samples = 0;
  const count = (more: number) => {
    samples += more;
    if (samples > MAX_BACKTEST_SAMPLES) {
      throw new InvalidInputError(
        `the tag has more than ${MAX_BACKTEST_SAMPLES} raw samples in the range, the limit of one backtest; backtest a shorter range`,
        { details: { field: 'to' } },
      );
    }
  };
  return {
    get state() {
      return state;
    },
    skip: count,
    async readRaw(from: number, to: number): Promise<void> {
      // Windows are read one after another: reading the next while the engine ran this one measured
      // slower on the busy 2-core machine (ADR 0039).
      for await (const page of readInWindows({ from, to }, read)) {
        count(page.length);
        const result = evaluateSamples(rule, state, page);
        state = result.state;
        tally.add(result.transitions);
      }
    },
    result: (range: { from: number; to: number }) => tally.result(range, samples),
  };
}

/** Runs `rule` over every raw sample of [from, to). */
export async function runBacktest(
  rule: AlarmRule,
  range: { from: number; to: number },
  read: Reader,
): Promise<AlarmBacktest> {
  const run = createBacktestRun(rule, read);
  await run.readRaw(range.from, range.to);
  return run.result(range);
}

/**
 * Runs `rule` over [from, to), skipping on the store's minute rollups the minutes that cannot change
 * its alarms (ADR 0052, backtest-minutes.ts) and reading the others raw: the same answer as
 * `runBacktest`, which rules that allow no skipping get anyway.
 */
export async function runBacktestOnRollups(
  rule: AlarmRule,
  range: { from: number; to: number },
  read: Reader,
  extremes: (from: number, to: number) => Promise<MinuteExtremes>,
): Promise<AlarmBacktest & { path: { skippedMinutes: number; rawReads: number } }> {
  const run = createBacktestRun(rule, read);
  const path = await walkMinutes(rule, range, extremes, run);
  return { ...run.result(range), path };
}

/** POST /v1/alarm-rules/backtest: the rule's tag (or derived tag) resolved like a rule being saved. */
export async function backtestAlarmRule(
  deps: BacktestDeps,
  principal: Principal,
  body: BacktestAlarmRule,
): Promise<AlarmBacktest> {
  const input = body.rule;
  if (input.kind === 'commLoss')
    throw new InvalidInputError('rule.kind: commLoss rules cannot be backtested');
  if (input.kind === 'curve' && input.points !== undefined) assertCurvePoints(input.points, 'rule.points');
  const target = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const y = await tagRef(repos, principal, input.tagId);
    if (!y || input.kind !== 'curve') return y ? { ...y, x: null, points: undefined } : null;
    // A curve rule (ADR 0048): its X tag of the same site, its template's points.
    const x = await tagRef(repos, principal, input.xTagId);
    if (!x || x.siteId !== y.siteId) throw new NotFoundError("rule.xTagId: tag not found on the rule's site");
    if (input.curveId === undefined || input.curveId === null) return { ...y, x: x.ref, points: undefined };
    const curve = await repos.alarmCurves.get(input.curveId);
    if (!curve) throw new NotFoundError('rule.curveId: curve not found');
    return { ...y, x: x.ref, points: curve.points };
  });
  if (!target) throw new NotFoundError('tag not found');
  const at = new Date(0).toISOString();
  const rule = alarmRuleSchema.parse({
    ...input,
    ...(input.kind === 'curve' ? { curveId: input.curveId ?? null } : {}),
    ...(target.points ? { points: target.points } : {}),
    id: '00000000-0000-4000-8000-000000000000',
    tenantId: principal.tenantId,
    siteId: target.siteId,
    // what is tried is the rule itself, enabled or not
    enabled: true,
    createdAt: at,
    updatedAt: at,
  });
  const range = { from: Date.parse(body.from), to: Date.parse(body.to) };
  const read = (ref: TagRef) => (from: number, to: number, limit: number) =>
    deps.telemetry.range(principal.tenantId, ref, from, to, limit);
  const x = target.x;
  const { minuteExtremes } = deps.telemetry;
  if (minuteExtremes && quietTests(rule) !== null) {
    const extremes = (from: number, to: number) =>
      minuteExtremes.call(deps.telemetry, principal.tenantId, target.ref, from, to);
    const { path: _path, ...backtest } = await runBacktestOnRollups(rule, range, read(target.ref), extremes);
    return backtest;
  }
  if (rule.kind !== 'curve' || x === null) return runBacktest(rule, range, read(target.ref));
  return runBacktest(rule, range, curveReader(rule, read(x), read(target.ref)));
}

async function tagRef(
  repos: Pick<PlantRepositories, 'tags'> & DerivedTagRepositories,
  principal: Principal,
  tagId: string,
): Promise<{ siteId: string; ref: TagRef } | null> {
  const [tag] = await repos.tags.telemetryRefs({ tagIds: [tagId], scope: principal.siteIds });
  if (tag) {
    return {
      siteId: tag.siteId,
      ref: { gatewayId: tag.gatewayId, deviceKey: tag.deviceKey, tagKey: tag.tagKey },
    };
  }
  const derived = await repos.derivedTags.get(tagId);
  if (!derived || !canSeeSite(principal, derived.siteId)) return null;
  return {
    siteId: derived.siteId,
    ref: { gatewayId: derived.siteId, deviceKey: DERIVED_DEVICE_KEY, tagKey: derived.key },
  };
}

/**
 * A curve rule's samples: both tags' in [from, to), each marked with its tag, as ingest hands them. A
 * page ends where the shorter full read ends, so no X is missing before a Y the engine judges.
 */
function curveReader(rule: Extract<AlarmRule, { kind: 'curve' }>, readX: Reader, readY: Reader): Reader {
  return async (from, to, limit) => {
    const [xs, ys] = [await readX(from, to, limit), await readY(from, to, limit)];
    const full = (page: readonly TelemetrySample[]) =>
      page.length >= limit ? (page[page.length - 1] as TelemetrySample).ts : Number.POSITIVE_INFINITY;
    const until = Math.min(full(xs), full(ys));
    const marked = [
      ...xs.filter((s) => s.ts <= until).map((s) => ({ ...s, tagId: rule.xTagId })),
      ...ys.filter((s) => s.ts <= until).map((s) => ({ ...s, tagId: rule.tagId })),
    ];
    return marked.sort((p, q) => p.ts - q.ts);
  };
}
