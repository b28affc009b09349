// The rule form's curve kind (ADR 0048): points typed one per line, the template or the points sent,
// and the edit form keeping the rule's source.
import { type AlarmRule, createAlarmRuleSchema, updateAlarmRuleSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import {
  alarmRuleChanges,
  alarmRuleFields,
  fieldOfIssue,
  newAlarmRule,
  parseCurvePoints,
} from './alarm-rule-form.ts';
import { englishTranslator } from './i18n/translator.ts';

const t = englishTranslator();

const TAG = '0193a3b0-0000-7000-8000-000000000001';
const common = { name: 'Pump', description: '', onDelayMs: '0', offDelayMs: '0', enabled: 'on' };
const saved = {
  id: '0193a3b0-0000-7000-8000-0000000000aa',
  tenantId: '0193a3b0-0000-7000-8000-0000000000bb',
  siteId: '0193a3b0-0000-7000-8000-0000000000cc',
  name: 'Pump',
  description: 'current',
  deadband: 1,
  onDelayMs: 2000,
  offDelayMs: 0,
  enabled: false,
  escalationPolicyId: null,
  repageHoldOffMinutes: 30,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
};

describe('the curve kind', () => {
  const X_TAG = '0193a3b0-0000-7000-8000-000000000005';
  const CURVE = '0193a3b0-0000-7000-8000-000000000006';
  const curveFields = {
    ...common,
    kind: 'curve',
    tagId: TAG,
    xTagId: X_TAG,
    severity: 'medium',
    tolerance: '10',
    toleranceMode: 'percent',
    side: 'above',
    deadband: '0.5',
  };

  it.each([
    {
      text: '60, 36\n85, 41\n100, 44',
      points: [
        [60, 36],
        [85, 41],
        [100, 44],
      ],
    },
    {
      text: '60;36\r\n\n  85\t41  \n100 44\n',
      points: [
        [60, 36],
        [85, 41],
        [100, 44],
      ],
    },
    {
      text: '-5, -1.5e2\n0.25, 3',
      points: [
        [-5, -150],
        [0.25, 3],
      ],
    },
    { text: '', points: [] },
  ])('reads points typed one per line: $text', ({ text, points }) => {
    expect(parseCurvePoints(text, t)).toEqual({ points });
  });

  it.each([
    { text: '60, 36\n85', line: 2 },
    { text: '60, 36, 1', line: 1 },
    { text: '60, 36\n\nfast, 41', line: 3 },
    { text: '60,,36', line: 1 },
    { text: 'Infinity, 1', line: 1 },
  ])('refuses a line that is not two numbers, naming it: $text', ({ text, line }) => {
    expect(parseCurvePoints(text, t).error).toBe(t('alarmRules.curvePointsLine', { line }));
  });

  it('sends a rule made from a curve template, with its X tag', () => {
    const { body, fieldErrors } = newAlarmRule(
      { ...curveFields, curveSource: 'template', curveId: CURVE },
      t,
    );
    expect(fieldErrors).toEqual({});
    expect(body).toMatchObject({
      kind: 'curve',
      tagId: TAG,
      xTagId: X_TAG,
      curveId: CURVE,
      tolerance: 10,
      toleranceMode: 'percent',
      side: 'above',
      deadband: 0.5,
    });
    expect(body).not.toHaveProperty('points');
    expect(createAlarmRuleSchema.safeParse(body).success).toBe(true);
  });

  it('sends its own points (and no template) when the points are typed', () => {
    const { body } = newAlarmRule(
      { ...curveFields, curveSource: 'points', curveId: CURVE, points: '0, 10\n50, 8' },
      t,
    );
    expect(body).toMatchObject({
      points: [
        [0, 10],
        [50, 8],
      ],
    });
    expect(body).not.toHaveProperty('curveId');
    expect(createAlarmRuleSchema.safeParse(body).success).toBe(true);
  });

  it('shows a bad line beside the points and lets the API name missing points', () => {
    expect(newAlarmRule({ ...curveFields, curveSource: 'points', points: '0 10\nx' }, t).fieldErrors).toEqual(
      {
        points: t('alarmRules.curvePointsLine', { line: 2 }),
      },
    );
    const empty = newAlarmRule({ ...curveFields, curveSource: 'points', points: ' ' }, t).body;
    const parsed = createAlarmRuleSchema.safeParse(empty);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain('curveId');
  });

  it('puts an unsorted point the API names beside the points box', () => {
    expect(fieldOfIssue('body.points.2.0', [])).toBe('points');
    expect(fieldOfIssue('body.xTagId', [])).toBe('xTagId');
  });

  it.each([
    {
      curveId: CURVE,
      points: [
        [60, 36],
        [85, 41],
      ] as [number, number][],
      sent: { curveId: CURVE },
    },
    {
      curveId: null,
      points: [
        [60, 36],
        [85, 41],
      ] as [number, number][],
      sent: {
        points: [
          [60, 36],
          [85, 41],
        ],
      },
    },
  ])('prefills the edit form so saving it unchanged keeps the rule’s source ($curveId)', (source) => {
    const rule: AlarmRule = {
      ...saved,
      kind: 'curve',
      tagId: TAG,
      xTagId: X_TAG,
      severity: 'high',
      curveId: source.curveId,
      points: source.points,
      tolerance: 2,
      toleranceMode: 'absolute',
      side: 'either',
    };
    const fields = alarmRuleFields(rule);
    expect(fields.points).toBe('60, 36\n85, 41');
    const { body, fieldErrors } = alarmRuleChanges('curve', fields, t);
    expect(fieldErrors).toEqual({});
    expect(updateAlarmRuleSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ severity: 'high', tolerance: 2, toleranceMode: 'absolute', side: 'either' });
    expect(body).toMatchObject(source.sent);
    expect(body).not.toHaveProperty(source.curveId === null ? 'curveId' : 'points');
    expect(body).not.toHaveProperty('xTagId');
  });
});
