// The alarm states an instance keeps in memory between batches (ADR 0034). Ingest evaluates a
// gateway's batches from these instead of locking and reading each rule's state from the config
// store, and writes the new states only where the stored version is still the one kept here (and the
// rule unchanged): a state another instance, the periodic check or an operator changed meanwhile is
// not overwritten, its rule is evaluated again under lock. So the memory is a cache that can be
// wrong, never a second truth: on Lambda every container keeps its own, and a cold one reads the
// store once. A site's rules are kept too, read again when the site's rule fingerprint changes.
import type { AlarmRule } from '@plantwatch/shared';
import type { AlarmRuleState } from './engine.ts';

export interface CachedAlarmState {
  state: AlarmRuleState;
  /** The stored row's version this state was read or written as. */
  version: number;
  /** The rule's updatedAt when the state was kept: a changed rule's state is read again. */
  ruleUpdatedAt: string;
}

export interface AlarmStateCache {
  /** A site's rules as kept, if kept under this fingerprint (AlarmRepositories' alarmRules.fingerprint). */
  siteRules(tenantId: string, siteId: string, fingerprint: string): readonly AlarmRule[] | undefined;
  keepSiteRules(tenantId: string, siteId: string, fingerprint: string, rules: readonly AlarmRule[]): void;
  /** The state kept for the rule, if it was kept for this version of the rule. */
  get(rule: AlarmRule): CachedAlarmState | undefined;
  /** Keeps the state as stored (read under lock, or written) with its version. */
  set(rule: AlarmRule, state: AlarmRuleState, version: number): void;
  forget(ruleId: string): void;
  readonly size: number;
}

/** At most `maxEntries` rules (the least recently used are let go): one per rule of the busiest sites. */
export function createAlarmStateCache(options: { maxEntries?: number } = {}): AlarmStateCache {
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, CachedAlarmState>();
  const sites = new Map<string, { fingerprint: string; rules: readonly AlarmRule[] }>();
  return {
    siteRules(tenantId, siteId, fingerprint) {
      const kept = sites.get(`${tenantId}/${siteId}`);
      return kept?.fingerprint === fingerprint ? kept.rules : undefined;
    },
    keepSiteRules(tenantId, siteId, fingerprint, rules) {
      sites.set(`${tenantId}/${siteId}`, { fingerprint, rules });
    },
    get(rule) {
      const entry = entries.get(rule.id);
      if (!entry) return undefined;
      if (entry.ruleUpdatedAt !== rule.updatedAt) {
        entries.delete(rule.id);
        return undefined;
      }
      // Map order is insertion order: moving the entry to the end keeps the oldest first.
      entries.delete(rule.id);
      entries.set(rule.id, entry);
      return entry;
    },
    set(rule, state, version) {
      entries.delete(rule.id);
      entries.set(rule.id, { state, version, ruleUpdatedAt: rule.updatedAt });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    forget(ruleId) {
      entries.delete(ruleId);
    },
    get size() {
      return entries.size;
    },
  };
}
