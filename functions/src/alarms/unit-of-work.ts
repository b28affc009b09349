// The one sequence every change to an alarm goes through, in one tenant transaction: pick the rules,
// lock them and read their states, let the pure engine decide, record the new states and journal
// entries and the escalation intents they call for; then, after commit, have the intents delivered.
// Ingest's evaluator, the periodic check and operators' actions all call it, so no copy of the
// sequence drifts and no raise is recorded without its page being recorded too.
//
// Work that decides each rule on its own (ingest's batches) may start from the states kept in memory
// (state-cache.ts, ADR 0034): no lock, no read, and the new states written in one statement where
// their stored version is still the one kept; a rule someone else changed meanwhile goes through
// the locked sequence after all, in the same transaction.
import type { AlarmEvent, AlarmRule } from '@plantwatch/shared';
import type { ChangePublisher } from '../platform/changes.ts';
import type { Clock } from '../platform/clock.ts';
import { currentCorrelationId } from '../platform/correlation.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Metrics } from '../platform/metrics.ts';
import { logger } from '../platform/observability.ts';
import type { EscalationDispatcher } from './dispatcher.ts';
import type { AlarmEngineResult } from './engine.ts';
import { escalationIntentsFor } from './intents.ts';
import { changesAnything, journalEntries, type LoadedState, loadStates, withoutAlarmKey } from './journal.ts';
import type { AlarmRepositories, EscalationIntentInput } from './ports.ts';
import type { AlarmStateCache } from './state-cache.ts';
import {
  type KeptAs,
  keptStates,
  sortDecisions,
  type WorkingState,
  withDirtyBookkeeping,
} from './write-behind.ts';

export interface AlarmWorkDeps<R extends AlarmRepositories> {
  store: TenantStore<R>;
  ids: IdGenerator;
  clock: Clock;
  /**
   * Delivers the escalation intents right after commit; none: they wait, pending, for whatever
   * re-drives them (and are counted as such), e.g. where no escalation is configured.
   */
  dispatcher?: EscalationDispatcher | undefined;
  /** Told after commit which sites' alarms changed, for whoever streams them live (ADR 0028). */
  changes?: ChangePublisher | undefined;
  /** Counts the alarms raised (alarms_raised). */
  metrics?: Metrics | undefined;
  /** States kept in memory between units of work (ADR 0034); none: every unit reads them under lock. */
  states?: AlarmStateCache | undefined;
}

/** What the engine decided for one rule. */
export interface AlarmDecision {
  rule: AlarmRule;
  result: AlarmEngineResult;
}

/** A decision with the state it started from, its new version, and how memory keeps it after commit. */
type Decided = AlarmDecision & { before: WorkingState; version: number; kept: KeptAs };

/** A decision as recorded: the state it started from, its journal entries, and whether anything was written. */
export interface RecordedDecision extends AlarmDecision {
  before: LoadedState;
  events: AlarmEvent[];
  written: boolean;
}

export interface AlarmWork<R extends AlarmRepositories, T> {
  /** The rules to act on; they are then locked (in id order) before their states are read. */
  select(repos: R, now: Date): Promise<readonly AlarmRule[]>;
  /** The engine's decisions over the locked states. Pure: no I/O (it may throw to refuse). */
  decide(rules: readonly AlarmRule[], states: ReadonlyMap<string, LoadedState>, now: Date): AlarmDecision[];
  /** What the caller gets back, from what was recorded. */
  result(recorded: readonly RecordedDecision[], now: Date): T;
  /**
   * `decide` gives each rule the same decision whatever other rules it is given with: the rules
   * whose states are kept in memory are decided from those, without the lock.
   */
  perRule?: boolean;
}

/**
 * Runs `work` as one unit under the rules' lock, so two instances (two ingest Lambdas, the periodic
 * check, an operator) never both act on the same state.
 */
export async function runAlarmWork<R extends AlarmRepositories, T>(
  deps: AlarmWorkDeps<R>,
  tenantId: string,
  work: AlarmWork<R, T>,
): Promise<T> {
  const cache = deps.states;
  const outcome = await deps.store.inTenant(tenantId, async (repos) => {
    const now = deps.clock.now();
    const rules = await work.select(repos, now);
    if (rules.length === 0)
      return { value: work.result([], now), events: [], intents: 0, changedSites: [], kept: [] };
    const decided: Decided[] = [];
    let toLock = rules;
    if (work.perRule && cache) {
      const fromMemory = keptStates(cache, rules);
      toLock = rules.filter((rule) => !fromMemory.has(rule.id));
      const fromMemoryRules = rules.filter((rule) => fromMemory.has(rule.id));
      const decisions = fromMemoryRules.length > 0 ? work.decide(fromMemoryRules, fromMemory, now) : [];
      const sorted = sortDecisions(cache, decisions, fromMemory);
      const written = await repos.alarmStates.putIfCurrent(
        sorted.urgent.map((d) => ({
          ruleId: d.rule.id,
          state: d.result.state,
          version: (fromMemory.get(d.rule.id) as LoadedState).version,
          ruleUpdatedAt: d.rule.updatedAt,
        })),
        now,
      );
      for (const decision of decisions) {
        const before = fromMemory.get(decision.rule.id) as LoadedState;
        const version = written.get(decision.rule.id);
        if (version !== undefined) decided.push({ ...decision, before, version, kept: 'stored' });
        else if (sorted.deferred.has(decision))
          decided.push({ ...decision, before, version: before.version, kept: 'deferred' });
        else if (!sorted.urgent.includes(decision))
          decided.push({ ...decision, before, version: before.version, kept: 'unchanged' });
        else {
          // Someone else wrote it since: decided again from the stored state, under the lock.
          cache.forget(decision.rule.id);
          toLock = [...toLock, decision.rule];
        }
      }
    }
    if (toLock.length > 0) {
      const states = withDirtyBookkeeping(cache, toLock, await loadStates(repos, toLock, { lock: true }));
      const decisions = work.decide(toLock, states, now);
      const changing = decisions.filter((d) =>
        changesAnything(states.get(d.rule.id) as LoadedState, d.result),
      );
      const versions = await repos.alarmStates.putMany(
        changing.map((d) => ({ ruleId: d.rule.id, state: d.result.state })),
        now,
      );
      for (const decision of decisions) {
        const before = states.get(decision.rule.id);
        if (!before) continue;
        const version = versions.get(decision.rule.id);
        // A dirty state kept in memory and left as it was stays dirty, to be written behind.
        const kept = version !== undefined || !before.dirty ? 'stored' : 'unchanged';
        decided.push({ ...decision, before, version: version ?? before.version, kept });
      }
    }
    const context = { ids: deps.ids, tenantId, now };
    const entries = decided.map((decision) => journalEntries(context, decision.rule, decision.result));
    await repos.alarmEvents.insert(entries.flat());
    const recorded: RecordedDecision[] = [];
    const intents: (EscalationIntentInput & { id: string; at: Date })[] = [];
    for (const [index, decision] of decided.entries()) {
      const events = (entries[index] ?? []).map(withoutAlarmKey);
      const asked =
        events.length > 0 ? await escalationIntentsFor(repos, context, decision.rule, events) : null;
      // The message's correlation id goes with the intent: a re-driven chain carries it too.
      for (const intent of asked?.intents ?? []) {
        intents.push({
          ...intent,
          id: deps.ids.newId(),
          at: now,
          correlationId: currentCorrelationId() ?? null,
        });
      }
      recorded.push({
        rule: decision.rule,
        result: decision.result,
        before: decision.before,
        events: [...events, ...(asked?.held ?? [])],
        written: decision.kept === 'stored' && changesAnything(decision.before, decision.result),
      });
    }
    // In the same transaction as the events: a crash after commit leaves them pending, not lost.
    await repos.escalationIntents.insert(intents);
    const changedSites = new Set(
      recorded.filter((entry) => entry.written || entry.events.length > 0).map((entry) => entry.rule.siteId),
    );
    const kept = decided.map((d) => ({
      rule: d.rule,
      state: d.result.state,
      version: d.version,
      how: d.kept,
    }));
    return {
      value: work.result(recorded, now),
      events: entries
        .flat()
        .map((event) => ({ alarmId: event.alarmId, eventId: event.id, from: event.from, to: event.to })),
      intents: intents.length,
      changedSites: [...changedSites],
      kept,
    };
  });
  // Only what committed is kept: a rolled-back transaction leaves the memory as it was.
  for (const { rule, state, version, how } of outcome.kept) {
    if (how === 'stored') cache?.set(rule, state, version);
    else if (how === 'deferred') cache?.defer(tenantId, rule, state);
  }
  for (const siteId of outcome.changedSites) deps.changes?.publish({ tenantId, topic: 'alarms', siteId });
  if (outcome.events.length > 0) {
    logger.info('alarm events recorded', { tenantId, events: outcome.events, intents: outcome.intents });
    const raised = outcome.events.filter((e) => e.to === 'active-unacked' && !e.from.startsWith('active'));
    if (raised.length > 0) deps.metrics?.increment('alarms_raised', {}, raised.length);
  }
  if (outcome.intents > 0) await deps.dispatcher?.dispatch(tenantId);
  return outcome.value;
}
