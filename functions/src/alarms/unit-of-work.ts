// The one sequence every change to an alarm goes through, in one tenant transaction: pick the rules,
// lock them and read their states, let the pure engine decide, record the new states and journal
// entries; then, after commit, hand the escalation chains what they must start or stop. Ingest's
// evaluator, the periodic check and operators' actions all call it, so no copy of the sequence drifts.
import type { AlarmEvent, AlarmRule } from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { AlarmEngineResult } from './engine.ts';
import {
  type EscalationHook,
  type LoadedState,
  loadStates,
  recordResult,
  runEscalationHooks,
} from './journal.ts';
import type { AlarmRepositories, EscalationStarter } from './ports.ts';

export interface AlarmWorkDeps<R extends AlarmRepositories> {
  store: TenantStore<R>;
  ids: IdGenerator;
  clock: Clock;
  /** Starts a raised alarm's escalation chain and stops it when acknowledged; none: no paging. */
  escalation?: EscalationStarter | undefined;
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
    if (rules.length === 0) return { value: work.result([], now), hooks: [] as EscalationHook[] };
    const states = await loadStates(repos, rules, { lock: true });
    const recorded: RecordedDecision[] = [];
    const hooks: EscalationHook[] = [];
    for (const decision of work.decide(rules, states, now)) {
      const before = states.get(decision.rule.id);
      if (!before) continue;
      const context = { ids: deps.ids, tenantId, now };
      const written = await recordResult(repos, context, decision.rule, before, decision.result);
      recorded.push({ ...decision, before, events: written.events, written: written.written });
      hooks.push(...written.hooks);
    }
    return { value: work.result(recorded, now), hooks };
  });
  await runEscalationHooks(deps.escalation, tenantId, outcome.hooks);
  return outcome.value;
}
