// Alarm rules: what an alarm watches (a limit stack, a comparison, a digital state, a rate of change,
// a total or a count over a sliding window, bad quality, lost communication), as created, patched and
// returned by the API.
import { z } from 'zod';
import { curvePointsSchema } from './alarm-curve.ts';
import {
  descriptionSchema,
  EMPTY_PATCH_MESSAGE,
  hasAnyField,
  idSchema,
  isoDateTimeSchema,
  nameSchema,
} from './ids.ts';
import { MAX_STRING_VALUE_LENGTH } from './telemetry.ts';

export const alarmSeverities = ['critical', 'high', 'medium', 'low'] as const;
export const alarmSeveritySchema = z.enum(alarmSeverities, {
  error: 'must be "critical", "high", "medium" or "low"',
});
export type AlarmSeverity = z.infer<typeof alarmSeveritySchema>;

/** Highest first: the order the thresholds of a stack must follow. */
export const limitLevels = ['hihi', 'hi', 'lo', 'lolo'] as const;
export const limitLevelSchema = z.enum(limitLevels, { error: 'must be "hihi", "hi", "lo" or "lolo"' });
export type LimitLevel = z.infer<typeof limitLevelSchema>;

export const comparisonOperators = ['>', '>=', '<', '<=', '==', '!='] as const;
export const digitalTriggers = ['true', 'false', 'rising', 'falling'] as const;
export const rateDirections = ['up', 'down', 'either'] as const;
export const commLossScopes = ['device', 'gateway'] as const;
/**
 * What a totalizer's tag measures (ADR 0045): a running total (a flow totaliser register: the window
 * sums its increases) or a rate per second, minute or hour (the window sums rate × time).
 */
export const totalizerInputs = ['counter', 'ratePerSecond', 'ratePerMinute', 'ratePerHour'] as const;
export type TotalizerInput = (typeof totalizerInputs)[number];
/** Sliding windows of totalizer and counter rules: a minute to a day. */
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 86_400;
/** A counter rule keeps the times of its last threshold + 1 transitions, so the threshold is bounded. */
export const MAX_COUNT_THRESHOLD = 1_000;
/** An operating-curve rule's band around curve(x): in Y's unit, or a percentage of |curve(x)| (ADR 0048). */
export const curveToleranceModes = ['absolute', 'percent'] as const;
/** Which side of the band alarms: a worn pump falls below its curve; either is the default. */
export const curveSides = ['either', 'above', 'below'] as const;
export const alarmRuleKinds = [
  'limit',
  'comparison',
  'digital',
  'rateOfChange',
  'totalizer',
  'counter',
  'curve',
  'badQuality',
  'commLoss',
] as const;
export type AlarmRuleKind = (typeof alarmRuleKinds)[number];

const finiteNumber = z.number({ error: 'must be a finite number' });

const deadbandSchema = finiteNumber.min(0, 'must not be negative');

const delayMsSchema = z
  .number({ error: 'must be a whole number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(0, 'must not be negative')
  .max(86_400_000, 'must be at most 86400000 ms (a day)');

const limitStackLevelSchema = z.strictObject({
  level: limitLevelSchema,
  threshold: finiteNumber,
  /** Each level is its own alarm in ISA-18.2 terms, with its own priority. */
  severity: alarmSeveritySchema,
  name: nameSchema.optional().meta({ description: 'Shown instead of "<rule name> HiHi" etc.' }),
  // Per level (ADR 0045): left out, the level uses the rule's own, so rules saved before keep behaving.
  deadband: deadbandSchema
    .optional()
    .meta({ description: "This level's deadband; the rule's when left out." }),
  onDelayMs: delayMsSchema
    .optional()
    .meta({ description: "This level's on-delay; the rule's when left out." }),
  offDelayMs: delayMsSchema
    .optional()
    .meta({ description: "This level's off-delay; the rule's when left out." }),
});
export type LimitStackLevel = z.infer<typeof limitStackLevelSchema>;

const limitStackSchema = z
  .array(limitStackLevelSchema)
  .min(1, 'must have at least one level (hihi, hi, lo or lolo)')
  .max(4, 'must have at most four levels (hihi, hi, lo, lolo)')
  .superRefine((levels, ctx) => {
    const indexOf = new Map<LimitLevel, number>();
    levels.forEach((entry, index) => {
      if (indexOf.has(entry.level)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'level'],
          message: `${entry.level} appears more than once`,
        });
      } else {
        indexOf.set(entry.level, index);
      }
    });
    // Neighbours in the stack are enough: a strictly decreasing chain is ordered throughout.
    const present = limitLevels.flatMap((level) => {
      const index = indexOf.get(level);
      const entry = index === undefined ? undefined : levels[index];
      return entry === undefined || index === undefined ? [] : [{ level, index, threshold: entry.threshold }];
    });
    for (let i = 1; i < present.length; i++) {
      const above = present[i - 1];
      const below = present[i];
      if (above !== undefined && below !== undefined && !(below.threshold < above.threshold)) {
        ctx.addIssue({
          code: 'custom',
          path: [below.index, 'threshold'],
          message: `${below.level} threshold (${below.threshold}) must be below ${above.level} (${above.threshold})`,
        });
      }
    }
  });

const comparisonValueSchema = z.union(
  [
    z.number(),
    z.boolean(),
    z.string().max(MAX_STRING_VALUE_LENGTH, `must be at most ${MAX_STRING_VALUE_LENGTH} characters`),
  ],
  { error: 'must be a finite number, a boolean or a string' },
);

/** Ordering a boolean or a text is meaningless, so those only compare for (in)equality. */
function checkComparison(rule: { op?: string | undefined; value?: unknown }, ctx: z.RefinementCtx): void {
  if (rule.op === undefined || rule.value === undefined) return;
  if (typeof rule.value !== 'number' && rule.op !== '==' && rule.op !== '!=') {
    ctx.addIssue({
      code: 'custom',
      path: ['value'],
      message: `must be a number for ${rule.op}; booleans and text compare only with == or !=`,
    });
  }
}

const kindFields = {
  severity: alarmSeveritySchema,
  levels: limitStackSchema,
  op: z.enum(comparisonOperators, { error: 'must be one of >, >=, <, <=, ==, !=' }),
  value: comparisonValueSchema,
  trigger: z.enum(digitalTriggers, { error: 'must be "true", "false", "rising" or "falling"' }),
  /** Engineering units per minute, measured over the last minute of samples. */
  perMinute: finiteNumber.positive('must be greater than 0 (engineering units per minute)'),
  direction: z.enum(rateDirections, { error: 'must be "up", "down" or "either"' }),
  afterSeconds: z
    .number({ error: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(5, 'must be at least 5 seconds; shorter gaps are normal polling jitter')
    .max(86_400, 'must be at most 86400 seconds (a day)'),
  scope: z.enum(commLossScopes, { error: 'must be "device" or "gateway"' }),
  windowSeconds: z
    .number({ error: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(MIN_WINDOW_SECONDS, `must be at least ${MIN_WINDOW_SECONDS} seconds (a minute)`)
    .max(MAX_WINDOW_SECONDS, `must be at most ${MAX_WINDOW_SECONDS} seconds (a day)`),
  totalThreshold: finiteNumber.positive("must be greater than 0 (the total, in the tag's volume unit)"),
  input: z.enum(totalizerInputs, {
    error: 'must be "counter", "ratePerSecond", "ratePerMinute" or "ratePerHour"',
  }),
  countThreshold: z
    .number({ error: 'must be a whole number of transitions' })
    .int('must be a whole number of transitions')
    .min(1, 'must be at least 1')
    .max(MAX_COUNT_THRESHOLD, `must be at most ${MAX_COUNT_THRESHOLD}`),
  state: comparisonValueSchema,
  tolerance: finiteNumber.positive("must be greater than 0 (in Y's unit, or a percentage)"),
  toleranceMode: z.enum(curveToleranceModes, { error: 'must be "absolute" or "percent"' }),
  side: z.enum(curveSides, { error: 'must be "either", "above" or "below"' }),
};

/** A curve rule takes a tenant curve template (curveId) or its own points, one of the two. */
function checkCurveSource(
  rule: { curveId?: string | null | undefined; points?: unknown },
  ctx: z.RefinementCtx,
): void {
  const template = rule.curveId !== undefined && rule.curveId !== null;
  if (template === (rule.points !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [template ? 'points' : 'curveId'],
      message: template
        ? 'give either curveId or points, not both'
        : 'a curve rule needs curveId (a curve template) or points',
    });
  }
}

const repageHoldOffSchema = z
  .number({ error: 'must be a whole number of minutes' })
  .int('must be a whole number of minutes')
  .min(0, 'must not be negative')
  .max(1440, 'must be at most 1440 minutes (a day)');

const commonInput = {
  name: nameSchema,
  description: descriptionSchema.default(''),
  /** Analogue kinds only: the value must move this far back past the threshold before the alarm clears. */
  deadband: finiteNumber.min(0, 'must not be negative').default(0),
  /** The condition must hold this long before the alarm is raised (filters chattering). */
  onDelayMs: delayMsSchema.default(0),
  /** The condition must be gone this long before the alarm clears. */
  offDelayMs: delayMsSchema.default(0),
  enabled: z.boolean().default(true),
  escalationPolicyId: idSchema.nullable().default(null),
  /**
   * Chatter control: after the alarm was acknowledged or cleared, a raise within this many minutes
   * pages nobody (it is journalled as held back). 0 pages on every raise.
   */
  repageHoldOffMinutes: repageHoldOffSchema.default(15),
};

function checkCommLossTarget(
  rule: { scope: 'device' | 'gateway'; deviceId?: string | undefined; gatewayId?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const [needed, other] =
    rule.scope === 'device' ? (['deviceId', 'gatewayId'] as const) : (['gatewayId', 'deviceId'] as const);
  if (rule[needed] === undefined) {
    ctx.addIssue({ code: 'custom', path: [needed], message: `a ${rule.scope}-scope rule needs ${needed}` });
  }
  if (rule[other] !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [other],
      message: `is not used by a ${rule.scope}-scope rule; leave it out`,
    });
  }
}

// The site is not an input: the use-case takes it from the tag, device or gateway, so it cannot disagree.
export const createAlarmRuleSchema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z.literal('limit'),
        tagId: idSchema,
        ...commonInput,
        levels: kindFields.levels,
      }),
      z
        .strictObject({
          kind: z.literal('comparison'),
          tagId: idSchema,
          ...commonInput,
          severity: kindFields.severity,
          op: kindFields.op,
          value: kindFields.value,
        })
        .superRefine(checkComparison),
      z.strictObject({
        kind: z.literal('digital'),
        tagId: idSchema,
        ...commonInput,
        severity: kindFields.severity,
        trigger: kindFields.trigger,
      }),
      z.strictObject({
        kind: z.literal('rateOfChange'),
        tagId: idSchema,
        ...commonInput,
        severity: kindFields.severity,
        perMinute: kindFields.perMinute,
        direction: kindFields.direction.default('either'),
      }),
      z.strictObject({
        kind: z.literal('totalizer'),
        tagId: idSchema,
        ...commonInput,
        severity: kindFields.severity,
        input: kindFields.input,
        windowSeconds: kindFields.windowSeconds,
        /** Raised while the total over the window is above this. */
        threshold: kindFields.totalThreshold,
      }),
      z.strictObject({
        kind: z.literal('counter'),
        tagId: idSchema,
        ...commonInput,
        severity: kindFields.severity,
        /** The state whose arrivals are counted: true counts starts of a run signal. */
        state: kindFields.state.default(true),
        windowSeconds: kindFields.windowSeconds,
        /** Raised while more than this many transitions fall in the window. */
        threshold: kindFields.countThreshold,
      }),
      z
        .strictObject({
          kind: z.literal('curve'),
          /** The Y tag: each of its samples is judged against the curve at the latest X. */
          tagId: idSchema,
          /** The X tag, of the same site. */
          xTagId: idSchema,
          ...commonInput,
          severity: kindFields.severity,
          curveId: idSchema.nullable().optional(),
          points: curvePointsSchema.optional(),
          tolerance: kindFields.tolerance,
          toleranceMode: kindFields.toleranceMode.default('absolute'),
          side: kindFields.side.default('either'),
        })
        .superRefine(checkCurveSource),
      z.strictObject({
        kind: z.literal('badQuality'),
        tagId: idSchema,
        ...commonInput,
        severity: kindFields.severity,
      }),
      z
        .strictObject({
          kind: z.literal('commLoss'),
          ...commonInput,
          severity: kindFields.severity,
          afterSeconds: kindFields.afterSeconds,
          scope: kindFields.scope,
          deviceId: idSchema.optional(),
          gatewayId: idSchema.optional(),
        })
        .superRefine(checkCommLossTarget),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? `must be one of ${alarmRuleKinds.map((kind) => `"${kind}"`).join(', ')}`
          : undefined,
    },
  )
  .meta({ id: 'CreateAlarmRule' });
export type CreateAlarmRule = z.infer<typeof createAlarmRuleSchema>;

/**
 * A rule's kind and what it watches are fixed; a different kind is a different alarm with its own
 * history. The use-case applies the patch and checks the result again with createAlarmRuleSchema,
 * which refuses fields that do not belong to the rule's kind. Lists (levels) are replaced whole.
 */
export const updateAlarmRuleSchema = z
  .strictObject({
    name: commonInput.name.optional(),
    description: descriptionSchema.optional(),
    deadband: finiteNumber.min(0, 'must not be negative').optional(),
    onDelayMs: delayMsSchema.optional(),
    offDelayMs: delayMsSchema.optional(),
    enabled: z.boolean().optional(),
    escalationPolicyId: idSchema.nullable().optional(),
    repageHoldOffMinutes: repageHoldOffSchema.optional(),
    severity: kindFields.severity.optional(),
    levels: kindFields.levels.optional(),
    op: kindFields.op.optional(),
    value: kindFields.value.optional(),
    trigger: kindFields.trigger.optional(),
    perMinute: kindFields.perMinute.optional(),
    direction: kindFields.direction.optional(),
    afterSeconds: kindFields.afterSeconds.optional(),
    input: kindFields.input.optional(),
    windowSeconds: kindFields.windowSeconds.optional(),
    /** A totalizer's total or a counter's count; checked against the rule's kind once applied. */
    threshold: finiteNumber.optional(),
    state: kindFields.state.optional(),
    /** A curve rule's template (its points then follow the template) or its own points. */
    curveId: idSchema.optional(),
    points: curvePointsSchema.optional(),
    tolerance: kindFields.tolerance.optional(),
    toleranceMode: kindFields.toleranceMode.optional(),
    side: kindFields.side.optional(),
  })
  .refine(hasAnyField, EMPTY_PATCH_MESSAGE)
  .superRefine(checkComparison)
  .meta({ id: 'UpdateAlarmRule' });
export type UpdateAlarmRule = z.infer<typeof updateAlarmRuleSchema>;

const commonOutput = {
  id: idSchema,
  tenantId: idSchema,
  siteId: idSchema,
  name: z.string(),
  description: z.string(),
  deadband: z.number(),
  onDelayMs: z.number().int(),
  offDelayMs: z.number().int(),
  enabled: z.boolean(),
  escalationPolicyId: idSchema.nullable(),
  repageHoldOffMinutes: z.number().int().default(15),
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
};

export const alarmRuleSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('limit'),
      tagId: idSchema,
      ...commonOutput,
      levels: z.array(limitStackLevelSchema),
    }),
    z.object({
      kind: z.literal('comparison'),
      tagId: idSchema,
      ...commonOutput,
      severity: alarmSeveritySchema,
      op: kindFields.op,
      value: comparisonValueSchema,
    }),
    z.object({
      kind: z.literal('digital'),
      tagId: idSchema,
      ...commonOutput,
      severity: alarmSeveritySchema,
      trigger: kindFields.trigger,
    }),
    z.object({
      kind: z.literal('rateOfChange'),
      tagId: idSchema,
      ...commonOutput,
      severity: alarmSeveritySchema,
      perMinute: z.number(),
      direction: kindFields.direction,
    }),
    z.object({
      kind: z.literal('totalizer'),
      tagId: idSchema,
      ...commonOutput,
      severity: alarmSeveritySchema,
      input: kindFields.input,
      windowSeconds: z.number().int(),
      threshold: z.number(),
    }),
    z.object({
      kind: z.literal('counter'),
      tagId: idSchema,
      ...commonOutput,
      severity: alarmSeveritySchema,
      state: comparisonValueSchema,
      windowSeconds: z.number().int(),
      threshold: z.number().int(),
    }),
    z.object({
      kind: z.literal('curve'),
      tagId: idSchema,
      xTagId: idSchema,
      ...commonOutput,
      severity: alarmSeveritySchema,
      /** The template the points come from (they follow its edits); null for the rule's own points. */
      curveId: idSchema.nullable(),
      points: z.array(z.tuple([z.number(), z.number()])),
      tolerance: z.number(),
      toleranceMode: kindFields.toleranceMode,
      side: kindFields.side,
    }),
    z.object({
      kind: z.literal('badQuality'),
      tagId: idSchema,
      ...commonOutput,
      severity: alarmSeveritySchema,
    }),
    z.object({
      kind: z.literal('commLoss'),
      tagId: z.null(),
      ...commonOutput,
      severity: alarmSeveritySchema,
      afterSeconds: z.number().int(),
      scope: kindFields.scope,
      /** For device scope; null for gateway scope. */
      deviceId: idSchema.nullable(),
      /** Always set (for device scope, the device's gateway): a lost gateway suppresses its devices' alarms. */
      gatewayId: idSchema,
    }),
  ])
  .meta({ id: 'AlarmRule' });
export type AlarmRule = z.infer<typeof alarmRuleSchema>;
