// The one sequence every change to an alarm goes through, in one tenant transaction: pick the rules,
// lock them and read their states, let the pure engine decide, record the new states and journal
// entries and the escalation intents they call for; then, after commit, have the intents delivered.
// Ingest's evaluator, the periodic check and operators' actions all call it, so no copy of the
// sequence drifts and no raise is recorded without its page being recorded too.
import type { AlarmEvent, AlarmRule } from '@plantwatch/shared';
import type { ChangePublisher } from '../platform/changes.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { EscalationDispatcher } from './dispatcher.ts';
import type { AlarmEngineResult } from './engine.ts';
import { escalationIntentsFor } from './intents.ts';
import { type LoadedState, loadStates, recordResult } from './journal.ts';
import type { AlarmRepositories, EscalationIntentInput } from './ports.ts';

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
}

/** What the engine decided for one rule. */
export interface AlarmDecision {
  rule: AlarmRule;
  result: AlarmEngineResult;
}

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
  const outcome = await deps.store.inTenant(tenantId, async (repos) => {
    const now = deps.clock.now();
    const rules = await work.select(repos, now);
    if (rules.length === 0) return { value: work.result([], now), intents: 0, changedSites: [] };
    const states = await loadStates(repos, rules, { lock: true });
    const recorded: RecordedDecision[] = [];
    const intents: (EscalationIntentInput & { id: string; at: Date })[] = [];
    for (const decision of work.decide(rules, states, now)) {
      const before = states.get(decision.rule.id);
      if (!before) continue;
      const context = { ids: deps.ids, tenantId, now };
      const written = await recordResult(repos, context, decision.rule, before, decision.result);
      const asked = await escalationIntentsFor(repos, context, decision.rule, written.events);
      for (const intent of asked.intents) intents.push({ ...intent, id: deps.ids.newId(), at: now });
      recorded.push({
        ...decision,
        before,
        events: [...written.events, ...asked.held],
        written: written.written,
      });
    }
    // In the same transaction as the events: a crash after commit leaves them pending, not lost.
    await repos.escalationIntents.insert(intents);
    const changedSites = new Set(
      recorded.filter((entry) => entry.written || entry.events.length > 0).map((entry) => entry.rule.siteId),
    );
    return { value: work.result(recorded, now), intents: intents.length, changedSites: [...changedSites] };
  });
  for (const siteId of outcome.changedSites) deps.changes?.publish({ tenantId, topic: 'alarms', siteId });
  if (outcome.intents > 0) await deps.dispatcher?.dispatch(tenantId);
  return outcome.value;
}
