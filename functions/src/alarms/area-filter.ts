// What a caller limited to areas (ADR 0042) sees of the alarms: the rules of the sites they see whole,
// and those on a tag a measurement under one of their areas reads or made for an asset there.
import type { AlarmRule } from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import type { AssetScopeRepositories } from './ports.ts';

export type RuleVisibility = (rule: Pick<AlarmRule, 'id' | 'siteId' | 'tagId'>) => boolean;

/** The caller's area limit as a test on rules; null when the caller has none (sites alone decide). */
export async function areaRuleFilter(
  repos: Partial<AssetScopeRepositories>,
  principal: Principal,
): Promise<RuleVisibility | null> {
  const areas = principal.areas;
  if (!areas) return null;
  // fail closed: without the hierarchy an area-limited caller would otherwise see whole sites
  if (!repos.assetScopes) throw new Error('composition gave no asset scopes for an area-limited caller');
  const tagIds = new Set<string>();
  const ruleIds = new Set<string>();
  for (const assetId of areas.assetIds) {
    const under = await repos.assetScopes.under(assetId);
    for (const tagId of under?.tagIds ?? []) tagIds.add(tagId);
    for (const ruleId of under?.ruleIds ?? []) ruleIds.add(ruleId);
  }
  const whole = new Set(areas.wholeSiteIds);
  return (rule) =>
    whole.has(rule.siteId) || ruleIds.has(rule.id) || (rule.tagId !== null && tagIds.has(rule.tagId));
}
