import { type AlarmRule, createAlarmRuleSchema, updateAlarmRuleSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import {
  alarmRuleChanges,
  alarmRuleFields,
  describeAlarmRule,
  fieldErrorsOf,
  fieldOfIssue,
  levelsTicked,
  newAlarmRule,
} from './alarm-rule-form.ts';
import { englishTranslator } from './i18n/translator.ts';

const t = englishTranslator();

const TAG = '0193a3b0-0000-7000-8000-000000000001';
const DEVICE = '0193a3b0-0000-7000-8000-000000000002';
const GATEWAY = '0193a3b0-0000-7000-8000-000000000003';
const POLICY = '0193a3b0-0000-7000-8000-000000000004';
const common = { name: 'Boiler', description: '', onDelayMs: '0', offDelayMs: '0', enabled: 'on' };

describe('newAlarmRule', () => {
  it.each([
    {
      kind: 'limit',
      fields: {
        tagId: TAG,
        deadband: '0.5',
        'levels.hihi.on': 'on',
        'levels.hihi.threshold': '95',
        'levels.hihi.severity': 'critical',
        'levels.hi.threshold': '80', // not ticked: left out
        'levels.lo.on': 'on',
        'levels.lo.threshold': '10',
        'levels.lo.severity': 'medium',
        'levels.lo.name': 'Boiler low',
      },
      expected: {
        tagId: TAG,
        deadband: 0.5,
        levels: [
          { level: 'hihi', threshold: 95, severity: 'critical' },
          { level: 'lo', threshold: 10, severity: 'medium', name: 'Boiler low' },
        ],
      },
    },
    {
      kind: 'comparison',
      fields: { tagId: TAG, severity: 'high', op: '!=', value: 'RUN', valueType: 'text' },
      expected: { op: '!=', value: 'RUN', severity: 'high', deadband: 0 },
    },
    {
      kind: 'comparison',
      fields: { tagId: TAG, severity: 'low', op: '==', value: 'TRUE', valueType: 'boolean' },
      expected: { op: '==', value: true },
    },
    {
      kind: 'digital',
      fields: { tagId: TAG, severity: 'medium', trigger: 'rising', deadband: '3' },
      // a digital rule has no deadband, whatever the form held
      expected: { trigger: 'rising', severity: 'medium' },
    },
    {
      kind: 'rateOfChange',
      fields: { tagId: TAG, severity: 'high', perMinute: '2.5', direction: 'up' },
      expected: { perMinute: 2.5, direction: 'up' },
    },
    {
      kind: 'badQuality',
      fields: { tagId: TAG, severity: 'low' },
      expected: { tagId: TAG, severity: 'low' },
    },
    {
      kind: 'totalizer',
      fields: { tagId: TAG, severity: 'high', input: 'ratePerHour', windowSeconds: '3600', threshold: '500' },
      expected: { input: 'ratePerHour', windowSeconds: 3600, threshold: 500, deadband: 0 },
    },
    {
      kind: 'counter',
      fields: { tagId: TAG, severity: 'medium', state: 'TRUE', windowSeconds: '3600', threshold: '6' },
      expected: { state: true, windowSeconds: 3600, threshold: 6 },
    },
    {
      kind: 'counter',
      fields: { tagId: TAG, severity: 'medium', state: '3', windowSeconds: '28800', threshold: '2' },
      expected: { state: 3, windowSeconds: 28800, threshold: 2 },
    },
    {
      kind: 'limit',
      fields: {
        tagId: TAG,
        deadband: '0.1',
        'levels.hihi.on': 'on',
        'levels.hihi.threshold': '95',
        'levels.hihi.severity': 'critical',
        'levels.hihi.onDelayMs': '0',
        'levels.hi.on': 'on',
        'levels.hi.threshold': '80',
        'levels.hi.severity': 'high',
        'levels.hi.deadband': '2',
        'levels.hi.offDelayMs': '30000',
      },
      // an empty level field is left out: that level uses the rule's
      expected: {
        levels: [
          { level: 'hihi', threshold: 95, severity: 'critical', onDelayMs: 0 },
          { level: 'hi', threshold: 80, severity: 'high', deadband: 2, offDelayMs: 30000 },
        ],
      },
    },
    {
      kind: 'commLoss',
      fields: {
        scope: 'gateway',
        gatewayId: GATEWAY,
        deviceId: DEVICE,
        tagId: TAG,
        severity: 'high',
        afterSeconds: '120',
      },
      // the device and tag selects of the form are not what a gateway-scope rule watches
      expected: { scope: 'gateway', gatewayId: GATEWAY, afterSeconds: 120 },
    },
  ])('builds a body the API accepts for a $kind rule', ({ kind, fields, expected }) => {
    const { body, fieldErrors } = newAlarmRule({ ...common, kind, escalationPolicyId: POLICY, ...fields }, t);
    expect(fieldErrors).toEqual({});
    expect(body).toMatchObject({
      kind,
      name: 'Boiler',
      enabled: true,
      escalationPolicyId: POLICY,
      ...expected,
    });
    const parsed = createAlarmRuleSchema.safeParse(body);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    if (kind === 'digital') expect(body).not.toHaveProperty('deadband');
    if (kind === 'commLoss') expect(body).not.toHaveProperty('deviceId');
    if (kind === 'commLoss') expect(body).not.toHaveProperty('tagId');
  });

  it('sends no policy and an unticked "enabled" as null and false', () => {
    const { body } = newAlarmRule(
      {
        kind: 'badQuality',
        name: 'Q',
        tagId: TAG,
        severity: 'low',
        escalationPolicyId: '',
      },
      t,
    );
    expect(body).toMatchObject({ escalationPolicyId: null, enabled: false });
  });

  it('refuses a boolean comparison value that is not true or false, beside the value field', () => {
    const { fieldErrors } = newAlarmRule(
      {
        ...common,
        kind: 'comparison',
        tagId: TAG,
        severity: 'low',
        op: '==',
        value: 'maybe',
        valueType: 'boolean',
      },
      t,
    );
    expect(fieldErrors).toEqual({ value: 'must be true or false' });
  });
});

describe('fieldOfIssue', () => {
  it.each([
    { path: 'body.name', sent: [], field: 'name' },
    { path: 'body', sent: [], field: 'form' },
    { path: '', sent: [], field: 'form' },
    { path: 'body.levels.1.threshold', sent: ['hihi', 'lo'], field: 'levels.lo.threshold' },
    { path: 'levels.0.severity', sent: ['hi'], field: 'levels.hi.severity' },
    { path: 'body.levels.0.level', sent: ['lolo'], field: 'levels.lolo.on' },
    { path: 'body.levels', sent: [], field: 'levels.hihi.on' },
    { path: 'body.levels.3.threshold', sent: ['hi'], field: 'levels.hihi.on' },
    { path: 'body.gatewayId', sent: [], field: 'gatewayId' },
  ] as const)('maps $path (levels sent: $sent) to $field', ({ path, sent, field }) => {
    expect(fieldOfIssue(path, sent)).toBe(field);
  });

  it("puts the schema's ordering error on the row of the level that is out of order", () => {
    const fields = {
      ...common,
      kind: 'limit',
      tagId: TAG,
      'levels.hihi.on': 'on',
      'levels.hihi.threshold': '40',
      'levels.hihi.severity': 'critical',
      'levels.hi.on': 'on',
      'levels.hi.threshold': '50',
      'levels.hi.severity': 'high',
    };
    const parsed = createAlarmRuleSchema.safeParse(newAlarmRule(fields, t).body);
    expect(parsed.success).toBe(false);
    const issues = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    expect(fieldErrorsOf(issues, levelsTicked(fields))).toEqual({
      'levels.hi.threshold': 'hi threshold (50) must be below hihi (40)',
    });
  });

  it('puts a threshold that is not a number beside that threshold', () => {
    const fields = {
      ...common,
      kind: 'limit',
      tagId: TAG,
      'levels.lo.on': 'on',
      'levels.lo.threshold': 'ten',
      'levels.lo.severity': 'low',
    };
    const parsed = createAlarmRuleSchema.safeParse(newAlarmRule(fields, t).body);
    const issues = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    expect(Object.keys(fieldErrorsOf(issues, levelsTicked(fields)))).toEqual(['levels.lo.threshold']);
  });
});

const saved = {
  id: '0193a3b0-0000-7000-8000-0000000000aa',
  tenantId: '0193a3b0-0000-7000-8000-0000000000bb',
  siteId: '0193a3b0-0000-7000-8000-0000000000cc',
  name: 'Tank',
  description: 'level',
  deadband: 1,
  onDelayMs: 2000,
  offDelayMs: 0,
  enabled: false,
  escalationPolicyId: POLICY,
  repageHoldOffMinutes: 30,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
};

describe('alarmRuleFields → alarmRuleChanges', () => {
  it.each<AlarmRule>([
    {
      ...saved,
      kind: 'limit',
      tagId: TAG,
      levels: [
        { level: 'hi', threshold: 80, severity: 'high', name: 'Tank high' },
        { level: 'lolo', threshold: 5, severity: 'critical' },
      ],
    },
    { ...saved, kind: 'comparison', tagId: TAG, severity: 'low', op: '<=', value: 12.5 },
    { ...saved, kind: 'comparison', tagId: TAG, severity: 'low', op: '==', value: false },
    { ...saved, kind: 'comparison', tagId: TAG, severity: 'low', op: '!=', value: 'STOP' },
    { ...saved, deadband: 0, kind: 'digital', tagId: TAG, severity: 'medium', trigger: 'falling' },
    { ...saved, kind: 'rateOfChange', tagId: TAG, severity: 'high', perMinute: 3, direction: 'down' },
    {
      ...saved,
      kind: 'limit',
      tagId: TAG,
      levels: [
        { level: 'hi', threshold: 80, severity: 'high', deadband: 1.5, onDelayMs: 5000, offDelayMs: 0 },
      ],
    },
    {
      ...saved,
      kind: 'totalizer',
      tagId: TAG,
      severity: 'high',
      input: 'counter',
      windowSeconds: 1800,
      threshold: 250.5,
    },
    {
      ...saved,
      kind: 'counter',
      tagId: TAG,
      severity: 'medium',
      state: false,
      windowSeconds: 3600,
      threshold: 6,
    },
    {
      ...saved,
      kind: 'counter',
      tagId: TAG,
      severity: 'medium',
      state: 'TRIP',
      windowSeconds: 600,
      threshold: 1,
    },
    { ...saved, deadband: 0, kind: 'badQuality', tagId: TAG, severity: 'low' },
    {
      ...saved,
      deadband: 0,
      kind: 'commLoss',
      tagId: null,
      severity: 'critical',
      afterSeconds: 300,
      scope: 'device',
      deviceId: DEVICE,
      gatewayId: GATEWAY,
    },
  ])('prefills the edit form so saving it unchanged sends the $kind rule as it is', (rule) => {
    const { body, fieldErrors } = alarmRuleChanges(rule.kind, alarmRuleFields(rule), t);
    expect(fieldErrors).toEqual({});
    expect(updateAlarmRuleSchema.safeParse(body).success).toBe(true);
    const {
      id: _id,
      tenantId: _tenant,
      siteId: _site,
      createdAt: _created,
      updatedAt: _updated,
      kind: _kind,
      tagId: _tag,
      ...editable
    } = rule;
    const {
      scope: _scope,
      deviceId: _device,
      gatewayId: _gateway,
      ...expected
    } = editable as Record<string, unknown>;
    if (rule.kind === 'digital' || rule.kind === 'badQuality' || rule.kind === 'commLoss')
      delete expected.deadband;
    expect(body).toEqual(expected);
  });
});

describe('describeAlarmRule', () => {
  it('states the limits with their unit in the order of the stack', () => {
    const rule: AlarmRule = {
      ...saved,
      kind: 'limit',
      tagId: TAG,
      levels: [
        { level: 'hihi', threshold: 95, severity: 'critical' },
        { level: 'lo', threshold: 10, severity: 'low' },
      ],
    };
    expect(describeAlarmRule(rule, '°C', t)).toBe('HiHi > 95 °C, Lo < 10 °C');
  });

  it('states a total and a count over their window', () => {
    const window = { ...saved, tagId: TAG, severity: 'high' as const, windowSeconds: 3600 };
    expect(
      describeAlarmRule({ ...window, kind: 'totalizer', input: 'ratePerHour', threshold: 500 }, 'm³/h', t),
    ).toBe('total > 500 in 3,600 s, from a rate per hour');
    expect(describeAlarmRule({ ...window, kind: 'counter', state: true, threshold: 6 }, '', t)).toBe(
      'more than 6 changes to true in 3,600 s',
    );
  });
});
