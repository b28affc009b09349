// The alarm states an instance keeps in memory between batches (ADR 0034). Ingest evaluates a
// gateway's batches from these instead of locking and reading each rule's state from the config
// store, and writes the new states only where the stored version is still the one kept here (and the
// rule unchanged): a state another instance, the periodic check or an operator changed meanwhile is
// not overwritten, its rule is evaluated again under lock. So the memory is a cache that can be
// wrong, never a second truth: on Lambda every container keeps its own, and a cold one reads the
// store once. A site's rules are kept too, read again when the site's rule fingerprint changes.
//
// Write-behind (ADR 0047): a state whose only change is bookkeeping (the newest sample's time and
// value, the watched device's last data time; no transition, no condition or window change) is kept
// here as `dirty` on top of its stored version and written later, many rules in one statement
// (alarms/write-behind.ts). Decisions never wait for it: every transition and every change that a
// later decision depends on is written in the batch's own transaction as before.
import type { AlarmRule } from '@plantwatch/shared';
import type { AlarmRuleState } from './engine.ts';

export interface CachedAlarmState {
  state: AlarmRuleState;
  /** The stored row's version this state was read or written as. */
  version: number;
  /** The rule's updatedAt when the state was kept: a changed rule's state is read again. */
  ruleUpdatedAt: string;
  /** Set while `state` holds bookkeeping newer than the stored row: the tenant to write it for. */
  dirtyFor?: string | undefined;
  /** The rule's site (for the live alarm lists told after a write-behind). */
  siteId: string;
}

/** A dirty state to write back: what the write-behind hands to `alarmStates.putIfCurrent`. */
export interface DirtyAlarmState {
  ruleId: string;
  siteId: string;
  state: AlarmRuleState;
  version: number;
  ruleUpdatedAt: string;
}

export interface AlarmStateCache {
  /** Whether bookkeeping-only changes are kept to be written behind (someone runs the write-behind). */
  readonly writesBehind: boolean;
  /** A site's rules as kept, if kept under this fingerprint (AlarmRepositories' alarmRules.fingerprint). */
  siteRules(tenantId: string, siteId: string, fingerprint: string): readonly AlarmRule[] | undefined;
  keepSiteRules(tenantId: string, siteId: string, fingerprint: string, rules: readonly AlarmRule[]): void;
  /** A rule of the site changed here: the next batch checks the site's rules against the store. */
  forgetSiteRules(tenantId: string, siteId: string): void;
  /**
   * A site's rules as kept, without asking the store, while they were checked against its fingerprint
   * less than `withinMs` ago; undefined otherwise.
   */
  recentSiteRules(tenantId: string, siteId: string, withinMs: number): readonly AlarmRule[] | undefined;
  /** The state kept for the rule, if it was kept for this version of the rule. */
  get(rule: AlarmRule): CachedAlarmState | undefined;
  /** Keeps the state as stored (read under lock, or written) with its version. */
  set(rule: AlarmRule, state: AlarmRuleState, version: number): void;
  /** Keeps a newer state over the same stored version, to be written later (write-behind). */
  defer(tenantId: string, rule: AlarmRule, state: AlarmRuleState): void;
  /** The dirty states, by tenant, as they are now. */
  dirty(): Map<string, DirtyAlarmState[]>;
  /**
   * After a write-behind statement: a written state becomes clean at its new version unless it moved
   * on meanwhile (then it stays dirty, at the new version); one the store refused (someone else wrote
   * it, or the rule changed) is forgotten unless this instance wrote it meanwhile.
   */
  settle(flushed: readonly DirtyAlarmState[], written: ReadonlyMap<string, number>): void;
  forget(ruleId: string): void;
  readonly size: number;
  readonly dirtyCount: number;
}

/** At most `maxEntries` rules (the least recently used are let go): one per rule of the busiest sites. */
export function createAlarmStateCache(
  options: {
    maxEntries?: number;
    now?: () => number;
    /** Keep bookkeeping-only changes to be written behind: only where a write-behind runs (ADR 0047). */
    writeBehind?: boolean;
  } = {},
): AlarmStateCache {
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, CachedAlarmState>();
  const sites = new Map<string, { fingerprint: string; rules: readonly AlarmRule[]; checkedAt: number }>();
  let dirtyCount = 0;

  function put(ruleId: string, entry: CachedAlarmState) {
    const previous = entries.get(ruleId);
    if (previous?.dirtyFor !== undefined) dirtyCount--;
    entries.delete(ruleId);
    entries.set(ruleId, entry);
    if (entry.dirtyFor !== undefined) dirtyCount++;
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      // A dirty state let go loses only bookkeeping: the stored one is older, never wrong.
      if (oldest !== undefined) remove(oldest);
    }
  }
  function remove(ruleId: string) {
    if (entries.get(ruleId)?.dirtyFor !== undefined) dirtyCount--;
    entries.delete(ruleId);
  }

  return {
    writesBehind: options.writeBehind ?? false,
    siteRules(tenantId, siteId, fingerprint) {
      const kept = sites.get(`${tenantId}/${siteId}`);
      if (kept?.fingerprint !== fingerprint) return undefined;
      kept.checkedAt = now();
      return kept.rules;
    },
    keepSiteRules(tenantId, siteId, fingerprint, rules) {
      sites.set(`${tenantId}/${siteId}`, { fingerprint, rules, checkedAt: now() });
    },
    forgetSiteRules(tenantId, siteId) {
      sites.delete(`${tenantId}/${siteId}`);
    },
    recentSiteRules(tenantId, siteId, withinMs) {
      const kept = sites.get(`${tenantId}/${siteId}`);
      return kept && now() - kept.checkedAt < withinMs ? kept.rules : undefined;
    },
    get(rule) {
      const entry = entries.get(rule.id);
      if (!entry) return undefined;
      if (entry.ruleUpdatedAt !== rule.updatedAt) {
        remove(rule.id);
        return undefined;
      }
      // Map order is insertion order: moving the entry to the end keeps the oldest first.
      entries.delete(rule.id);
      entries.set(rule.id, entry);
      return entry;
    },
    set(rule, state, version) {
      put(rule.id, { state, version, ruleUpdatedAt: rule.updatedAt, siteId: rule.siteId });
    },
    defer(tenantId, rule, state) {
      const entry = entries.get(rule.id);
      // Only over a state kept for this rule: the version it was read or written as stays the base.
      if (!entry || entry.ruleUpdatedAt !== rule.updatedAt) return;
      put(rule.id, { ...entry, state, dirtyFor: tenantId });
    },
    dirty() {
      const byTenant = new Map<string, DirtyAlarmState[]>();
      for (const [ruleId, entry] of entries) {
        if (entry.dirtyFor === undefined) continue;
        const list = byTenant.get(entry.dirtyFor) ?? [];
        list.push({
          ruleId,
          siteId: entry.siteId,
          state: entry.state,
          version: entry.version,
          ruleUpdatedAt: entry.ruleUpdatedAt,
        });
        byTenant.set(entry.dirtyFor, list);
      }
      return byTenant;
    },
    settle(flushed, written) {
      for (const sent of flushed) {
        const entry = entries.get(sent.ruleId);
        // Written by this instance meanwhile (a transition), or let go: the entry is not the one sent.
        if (!entry || entry.version !== sent.version) continue;
        const version = written.get(sent.ruleId);
        if (version === undefined) {
          remove(sent.ruleId);
          continue;
        }
        const clean = entry.state === sent.state;
        if (clean && entry.dirtyFor !== undefined) dirtyCount--;
        entries.set(sent.ruleId, { ...entry, version, dirtyFor: clean ? undefined : entry.dirtyFor });
      }
    },
    forget(ruleId) {
      remove(ruleId);
    },
    get size() {
      return entries.size;
    },
    get dirtyCount() {
      return dirtyCount;
    },
  };
}
