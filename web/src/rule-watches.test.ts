// The rule list's "Watches" column (ADR 0053): a tag rule names site, device and tag; a rule on a
// derived tag names the site and the derived tag; a curve rule names both its Y and its X tag.
import { alarmRuleSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import type { RulePlant } from './components/alarm-rule-form.tsx';
import { englishTranslator } from './i18n/translator.ts';
import { watchedBy } from './rule-watches.ts';

const t = englishTranslator();
const id = (n: number) => `0193a3b0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const SITE = id(1);
const plant: RulePlant = {
  sites: [{ id: SITE, name: 'North' }],
  gateways: [{ id: id(2), name: 'gw-1', siteId: SITE }],
  devices: [{ id: id(3), name: 'PLC 1', siteId: SITE }],
  tags: [
    { id: id(4), name: 'Pump 1 current', key: 'p1_current', unit: 'A', deviceId: id(3) },
    { id: id(5), name: 'Discharge flow', key: 'flow_out', unit: 'L/s', deviceId: id(3) },
  ],
  derivedTags: [{ id: id(6), name: 'Main flow balance', siteId: SITE, key: 'main_balance', unit: 'L/s' }],
};
const saved = {
  id: id(10),
  tenantId: id(11),
  siteId: SITE,
  name: 'Rule',
  description: '',
  deadband: 0,
  onDelayMs: 0,
  offDelayMs: 0,
  enabled: true,
  escalationPolicyId: null,
  repageHoldOffMinutes: 30,
  createdAt: '2026-12-07T10:00:00.000Z',
  updatedAt: '2026-12-07T10:00:00.000Z',
};
const limitOn = (tagId: string) =>
  alarmRuleSchema.parse({
    ...saved,
    kind: 'limit',
    tagId,
    levels: [{ level: 'hi', threshold: 5, severity: 'high' }],
  });

describe('what a rule watches, in words', () => {
  it('names site, device and tag for a tag', () => {
    expect(watchedBy(limitOn(id(4)), plant, t)).toBe('North › PLC 1 › Pump 1 current');
  });

  it('names the site and the derived tag for a derived tag', () => {
    expect(watchedBy(limitOn(id(6)), plant, t)).toBe('North › Main flow balance');
  });

  it('names both the Y and the X tag of a curve rule', () => {
    const curve = alarmRuleSchema.parse({
      ...saved,
      kind: 'curve',
      tagId: id(4),
      xTagId: id(5),
      severity: 'medium',
      curveId: null,
      points: [
        [60, 36],
        [85, 41],
      ],
      tolerance: 10,
      toleranceMode: 'percent',
      side: 'above',
    });
    expect(watchedBy(curve, plant, t)).toBe(
      'North › PLC 1 › Pump 1 current (Y) against PLC 1 › Discharge flow (X)',
    );
    if (curve.kind !== 'curve') throw new Error('not a curve rule');
    expect(watchedBy({ ...curve, xTagId: id(6) }, plant, t)).toBe(
      'North › PLC 1 › Pump 1 current (Y) against Main flow balance (X)',
    );
  });

  it('names the gateway of a comm-loss rule', () => {
    const commLoss = alarmRuleSchema.parse({
      ...saved,
      kind: 'commLoss',
      tagId: null,
      scope: 'gateway',
      gatewayId: id(2),
      deviceId: null,
      severity: 'high',
      afterSeconds: 300,
    });
    expect(watchedBy(commLoss, plant, t)).toBe('North › gw-1');
  });
});
