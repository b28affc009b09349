// Between the alarm rule form and the API: the form's fields (one flat name per input, limit levels
// by level: `levels.hi.threshold`) to a create or update body, a saved rule back to the fields that
// prefill the edit form, and the API's issue paths (`body.levels.1.threshold`) to the field that
// shows the message. Pure, so it is tested without a browser.
import {
  type AlarmRule,
  type AlarmRuleKind,
  alarmRuleKinds,
  type LimitLevel,
  limitLevels,
} from '@plantwatch/shared';
import type { Translator } from './i18n/translator.ts';

export type FormFields = Readonly<Record<string, string | undefined>>;
export const comparisonValueTypes = ['number', 'boolean', 'text'] as const;
export type ComparisonValueType = (typeof comparisonValueTypes)[number];

/** The kinds watching a tag; the others (comm loss) watch a device or gateway. */
export const tagKinds: readonly AlarmRuleKind[] = [
  'limit',
  'comparison',
  'digital',
  'rateOfChange',
  'totalizer',
  'counter',
  'curve',
  'badQuality',
];
/** Kinds with an analogue value (or a total, a count), where a deadband means something. */
export const analogueKinds: readonly AlarmRuleKind[] = [
  'limit',
  'comparison',
  'rateOfChange',
  'totalizer',
  'counter',
  'curve',
];

/** The text of every named input of a form; checkboxes are "on" when ticked and absent otherwise. */
export function fieldsOf(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) if (typeof value === 'string') fields[name] = value;
  return fields;
}

const textOf = (fields: FormFields, name: string): string | undefined => {
  const value = fields[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/** A number typed into the form; empty is undefined (the API's default, or "required"), junk is NaN (refused). */
const numberOf = (fields: FormFields, name: string): number | undefined => {
  const value = textOf(fields, name);
  return value === undefined ? undefined : Number(value);
};

const withoutUndefined = (entries: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));

export const isAlarmRuleKind = (value: string | undefined): value is AlarmRuleKind =>
  (alarmRuleKinds as readonly (string | undefined)[]).includes(value);

/** The limit levels ticked in the form, highest first: the order of `levels` in the body. */
export const levelsTicked = (fields: FormFields): LimitLevel[] =>
  limitLevels.filter((level) => fields[`levels.${level}.on`] === 'on');

function comparisonValue(fields: FormFields, t: Translator): { value?: unknown; error?: string } {
  const text = textOf(fields, 'value');
  if (text === undefined) return {};
  const type = (fields.valueType ?? 'number') as ComparisonValueType;
  if (type === 'text') return { value: text };
  if (type === 'boolean') {
    const lower = text.toLowerCase();
    if (lower === 'true' || lower === 'false') return { value: lower === 'true' };
    return { error: t('alarmRules.booleanValue') };
  }
  return { value: Number(text) };
}

/** The state a counter counts arrivals in: true/false, a number, or a text state. */
function counterState(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}

/** Where a curve rule's points come from: a tenant curve template, or points typed into the form. */
export const curveSources = ['template', 'points'] as const;
export type CurveSource = (typeof curveSources)[number];

/**
 * Points typed one per line, x then y, apart by a comma, semicolon, tab or spaces ("85, 41"); blank
 * lines are skipped. Order and duplicates are the API's to check (it names the point). A line that is
 * not two numbers is refused here, naming its line.
 */
export function parseCurvePoints(
  text: string,
  t: Translator,
): { points?: [number, number][]; error?: string } {
  const points: [number, number][] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const parts = line.trim().split(/\s*[,;\t]\s*|\s+/);
    const numbers = parts.map((part) => (part === '' ? Number.NaN : Number(part)));
    if (numbers.length !== 2 || !numbers.every(Number.isFinite))
      return { error: t('alarmRules.curvePointsLine', { line: index + 1 }) };
    points.push([numbers[0] as number, numbers[1] as number]);
  }
  return { points };
}

/** A curve's points as the form shows them: one "x, y" per line. */
export const curvePointsText = (points: readonly (readonly [number, number])[]): string =>
  points.map(([x, y]) => `${x}, ${y}`).join('\n');

function curveSpecific(fields: FormFields, t: Translator, fieldErrors: Record<string, string>) {
  const source: CurveSource = fields.curveSource === 'points' ? 'points' : 'template';
  let points: [number, number][] | undefined;
  if (source === 'points') {
    const parsed = parseCurvePoints(fields.points ?? '', t);
    if (parsed.error) fieldErrors.points = parsed.error;
    // nothing typed: left out, so the API says a curve needs points
    points = parsed.points?.length ? parsed.points : undefined;
  }
  return {
    severity: textOf(fields, 'severity'),
    curveId: source === 'template' ? textOf(fields, 'curveId') : undefined,
    points,
    tolerance: numberOf(fields, 'tolerance'),
    toleranceMode: textOf(fields, 'toleranceMode'),
    side: textOf(fields, 'side'),
  };
}

export interface FormBody {
  body: Record<string, unknown>;
  /** Problems the form itself finds before any schema is asked (a boolean typed as "maybe"). */
  fieldErrors: Record<string, string>;
}

/**
 * The fields every rule of `kind` may change (the PATCH body). Kind, tag, scope, device and
 * gateway are fixed once created, so they are not here.
 */
export function alarmRuleChanges(kind: AlarmRuleKind, fields: FormFields, t: Translator): FormBody {
  const fieldErrors: Record<string, string> = {};
  const common = {
    name: textOf(fields, 'name'),
    description: fields.description?.trim() ?? '',
    deadband: analogueKinds.includes(kind) ? (numberOf(fields, 'deadband') ?? 0) : undefined,
    onDelayMs: numberOf(fields, 'onDelayMs') ?? 0,
    offDelayMs: numberOf(fields, 'offDelayMs') ?? 0,
    enabled: fields.enabled === 'on',
    escalationPolicyId: textOf(fields, 'escalationPolicyId') ?? null,
    repageHoldOffMinutes: numberOf(fields, 'repageHoldOffMinutes') ?? 15,
  };
  const severity = textOf(fields, 'severity');
  let specific: Record<string, unknown>;
  switch (kind) {
    case 'limit':
      specific = {
        levels: levelsTicked(fields).map((level) =>
          withoutUndefined({
            level,
            threshold: numberOf(fields, `levels.${level}.threshold`),
            severity: textOf(fields, `levels.${level}.severity`),
            name: textOf(fields, `levels.${level}.name`),
            // empty: the level uses the rule's deadband and delays (ADR 0045)
            deadband: numberOf(fields, `levels.${level}.deadband`),
            onDelayMs: numberOf(fields, `levels.${level}.onDelayMs`),
            offDelayMs: numberOf(fields, `levels.${level}.offDelayMs`),
          }),
        ),
      };
      break;
    case 'comparison': {
      const { value, error } = comparisonValue(fields, t);
      if (error) fieldErrors.value = error;
      specific = { severity, op: textOf(fields, 'op'), value };
      break;
    }
    case 'digital':
      specific = { severity, trigger: textOf(fields, 'trigger') };
      break;
    case 'rateOfChange':
      specific = {
        severity,
        perMinute: numberOf(fields, 'perMinute'),
        direction: textOf(fields, 'direction'),
      };
      break;
    case 'totalizer':
      specific = {
        severity,
        input: textOf(fields, 'input'),
        windowSeconds: numberOf(fields, 'windowSeconds'),
        threshold: numberOf(fields, 'threshold'),
      };
      break;
    case 'counter':
      specific = {
        severity,
        state: counterState(textOf(fields, 'state')),
        windowSeconds: numberOf(fields, 'windowSeconds'),
        threshold: numberOf(fields, 'threshold'),
      };
      break;
    case 'curve':
      specific = curveSpecific(fields, t, fieldErrors);
      break;
    case 'badQuality':
      specific = { severity };
      break;
    case 'commLoss':
      specific = { severity, afterSeconds: numberOf(fields, 'afterSeconds') };
      break;
  }
  return { body: withoutUndefined({ ...common, ...specific }), fieldErrors };
}

/** The POST body: the kind, what the rule watches, and everything `alarmRuleChanges` gives. */
export function newAlarmRule(fields: FormFields, t: Translator): FormBody {
  const kind = textOf(fields, 'kind');
  if (!isAlarmRuleKind(kind)) return { body: { kind }, fieldErrors: {} };
  const changes = alarmRuleChanges(kind, fields, t);
  const scope = textOf(fields, 'scope');
  const watched =
    kind === 'commLoss'
      ? {
          scope,
          deviceId: scope === 'device' ? textOf(fields, 'deviceId') : undefined,
          gatewayId: scope === 'gateway' ? textOf(fields, 'gatewayId') : undefined,
        }
      : {
          tagId: textOf(fields, 'tagId'),
          xTagId: kind === 'curve' ? textOf(fields, 'xTagId') : undefined,
        };
  return { body: withoutUndefined({ kind, ...watched, ...changes.body }), fieldErrors: changes.fieldErrors };
}

/** The form's fields for a saved rule, so the edit form shows it as it is. */
export function alarmRuleFields(rule: AlarmRule): Record<string, string> {
  const fields: Record<string, string> = {
    kind: rule.kind,
    name: rule.name,
    description: rule.description,
    deadband: String(rule.deadband),
    onDelayMs: String(rule.onDelayMs),
    offDelayMs: String(rule.offDelayMs),
    escalationPolicyId: rule.escalationPolicyId ?? '',
    repageHoldOffMinutes: String(rule.repageHoldOffMinutes),
  };
  if (rule.enabled) fields.enabled = 'on';
  if (rule.tagId !== null) fields.tagId = rule.tagId;
  switch (rule.kind) {
    case 'limit':
      for (const level of rule.levels) {
        fields[`levels.${level.level}.on`] = 'on';
        fields[`levels.${level.level}.threshold`] = String(level.threshold);
        fields[`levels.${level.level}.severity`] = level.severity;
        if (level.name) fields[`levels.${level.level}.name`] = level.name;
        for (const setting of ['deadband', 'onDelayMs', 'offDelayMs'] as const) {
          const value = level[setting];
          if (value !== undefined) fields[`levels.${level.level}.${setting}`] = String(value);
        }
      }
      break;
    case 'comparison':
      fields.severity = rule.severity;
      fields.op = rule.op;
      fields.value = String(rule.value);
      fields.valueType =
        typeof rule.value === 'number' ? 'number' : typeof rule.value === 'boolean' ? 'boolean' : 'text';
      break;
    case 'digital':
      fields.severity = rule.severity;
      fields.trigger = rule.trigger;
      break;
    case 'rateOfChange':
      fields.severity = rule.severity;
      fields.perMinute = String(rule.perMinute);
      fields.direction = rule.direction;
      break;
    case 'totalizer':
      fields.severity = rule.severity;
      fields.input = rule.input;
      fields.windowSeconds = String(rule.windowSeconds);
      fields.threshold = String(rule.threshold);
      break;
    case 'counter':
      fields.severity = rule.severity;
      fields.state = String(rule.state);
      fields.windowSeconds = String(rule.windowSeconds);
      fields.threshold = String(rule.threshold);
      break;
    case 'curve':
      fields.severity = rule.severity;
      fields.xTagId = rule.xTagId;
      fields.curveSource = rule.curveId === null ? 'points' : 'template';
      if (rule.curveId !== null) fields.curveId = rule.curveId;
      fields.points = curvePointsText(rule.points);
      fields.tolerance = String(rule.tolerance);
      fields.toleranceMode = rule.toleranceMode;
      fields.side = rule.side;
      break;
    case 'badQuality':
      fields.severity = rule.severity;
      break;
    case 'commLoss':
      fields.severity = rule.severity;
      fields.afterSeconds = String(rule.afterSeconds);
      fields.scope = rule.scope;
      if (rule.deviceId !== null) fields.deviceId = rule.deviceId;
      fields.gatewayId = rule.gatewayId;
      break;
  }
  return fields;
}

/**
 * The form field an issue belongs to. `path` is the API's (`body.levels.1.threshold`) or the
 * schema's (`levels.1.threshold`); `levelsSent` are the levels in the order they were sent, so a
 * position in the list becomes the row of its level.
 */
const FIRST_LEVEL_FIELD = `levels.${limitLevels[0]}.on`;

export function fieldOfIssue(path: string, levelsSent: readonly LimitLevel[]): string {
  const field = path.replace(/^body\.?/, '');
  if (field === '') return 'form';
  // a problem with the stack as a whole (no level ticked) shows beside its first checkbox
  if (field === 'levels') return FIRST_LEVEL_FIELD;
  // a curve's point (`points.2.0`) shows beside the points box
  if (field.startsWith('points.')) return 'points';
  const level = /^levels\.(\d+)(\..*)?$/.exec(field);
  if (level) {
    const name = levelsSent[Number(level[1])];
    if (name === undefined) return FIRST_LEVEL_FIELD;
    return `levels.${name}${level[2] === '.level' || level[2] === undefined ? '.on' : level[2]}`;
  }
  return field;
}

/** Issues as field errors of the form, the first message per field. */
export function fieldErrorsOf(
  issues: readonly { path: string; message: string }[],
  levelsSent: readonly LimitLevel[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[fieldOfIssue(issue.path, levelsSent)] ??= issue.message;
  return errors;
}

/** What a rule watches for, in words, for the list. */
export function describeAlarmRule(rule: AlarmRule, unit: string | undefined, t: Translator): string {
  const withUnit = (value: number) => (unit ? `${value} ${unit}` : String(value));
  switch (rule.kind) {
    case 'limit':
      return rule.levels
        .map(
          (level) =>
            `${t(`alarmRules.levels.${level.level}`)} ${level.level.startsWith('h') ? '>' : '<'} ${withUnit(level.threshold)}`,
        )
        .join(', ');
    case 'comparison':
      return `${t('alarmRules.valueLabel')} ${rule.op} ${typeof rule.value === 'number' ? withUnit(rule.value) : JSON.stringify(rule.value)}`;
    case 'digital':
      return t(`alarmRules.triggers.${rule.trigger}`);
    case 'rateOfChange':
      return t('alarmRules.rateText', {
        rate: withUnit(rule.perMinute),
        direction: t(`alarmRules.directions.${rule.direction}`),
      });
    case 'totalizer':
      return t('alarmRules.totalText', {
        total: rule.threshold,
        window: rule.windowSeconds,
        input: t(`alarmRules.inputs.${rule.input}`),
      });
    case 'counter':
      return t('alarmRules.countText', {
        count: rule.threshold,
        state: String(rule.state),
        window: rule.windowSeconds,
      });
    case 'curve':
      return t('alarmRules.curveText', {
        band: rule.toleranceMode === 'percent' ? `${rule.tolerance} %` : withUnit(rule.tolerance),
      });
    case 'badQuality':
      return t('alarmRules.kinds.badQuality');
    case 'commLoss':
      return t('alarmRules.commLossText', {
        seconds: rule.afterSeconds,
        scope: t(`alarmRules.scopes.${rule.scope}`),
      });
  }
}
