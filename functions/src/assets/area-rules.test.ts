// Where an alarm sits in the hierarchy (ADR 0042): its assets and their ancestors, the path its pages
// name, the nearest area policy, and whether a user limited to areas or sites sees it.
import { describe, expect, it } from 'vitest';
import type { AlarmAreas, AreaNode } from './area-ports.ts';
import { alarmAssetIds, alarmAssetPath, areaPolicyOf, seesAlarm } from './area-rules.ts';

const node = (id: string, parentId: string | null, escalationPolicyId: string | null = null): AreaNode => ({
  id,
  siteId: 'north',
  parentId,
  name: id,
  escalationPolicyId,
});

// works ─ pumping ─ pump1 (reads the tag);  screening ─ screen2 (a rule made for it)
const plant = (policies: Record<string, string> = {}): AlarmAreas => ({
  direct: ['pump1', 'screen2'],
  nodes: [
    node('works', null, policies.works ?? null),
    node('pumping', 'works', policies.pumping ?? null),
    node('pump1', 'pumping', policies.pump1 ?? null),
    node('screening', null, policies.screening ?? null),
    node('screen2', 'screening', policies.screen2 ?? null),
  ],
});

describe('an alarm in the asset hierarchy', () => {
  it('is in its assets and every asset above them, and its pages name the first path', () => {
    expect([...alarmAssetIds(plant())].sort()).toEqual(['pump1', 'pumping', 'screen2', 'screening', 'works']);
    expect(alarmAssetPath(plant())).toBe('screening / screen2');
    expect(alarmAssetPath({ direct: [], nodes: [] })).toBeNull();
  });

  it('pages through the nearest area policy: fewer hops up wins, then the first path', () => {
    expect(areaPolicyOf(plant())).toBeNull();
    expect(areaPolicyOf(plant({ works: 'site-wide' }))).toEqual({
      escalationPolicyId: 'site-wide',
      assetId: 'works',
    });
    expect(areaPolicyOf(plant({ works: 'site-wide', pumping: 'pumps' }))).toEqual({
      escalationPolicyId: 'pumps',
      assetId: 'pumping',
    });
    // one hop up on the screens' side beats two on the pumps'
    expect(areaPolicyOf(plant({ works: 'site-wide', screening: 'screens' }))).toEqual({
      escalationPolicyId: 'screens',
      assetId: 'screening',
    });
    // the same distance: the first path (screening before works) decides, whatever the order
    expect(areaPolicyOf(plant({ pumping: 'pumps', screening: 'screens' }))?.escalationPolicyId).toBe(
      'screens',
    );
  });

  it('is seen by a user of a whole site, or of an area above it, and by no one else limited', () => {
    const inAssets = alarmAssetIds({ direct: ['pump1'], nodes: plant().nodes });
    expect(seesAlarm({ siteIds: null, assetIds: [] }, 'north', inAssets)).toBe(true);
    expect(seesAlarm({ siteIds: ['north'], assetIds: [] }, 'north', inAssets)).toBe(true);
    expect(seesAlarm({ siteIds: [], assetIds: ['works'] }, 'north', inAssets)).toBe(true);
    expect(seesAlarm({ siteIds: [], assetIds: ['pump1'] }, 'north', inAssets)).toBe(true);
    expect(seesAlarm({ siteIds: [], assetIds: ['screening'] }, 'north', inAssets)).toBe(false);
    expect(seesAlarm({ siteIds: ['south'], assetIds: [] }, 'north', inAssets)).toBe(false);
  });
});
