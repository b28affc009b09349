// Alarm backtesting (issue 17, ADR 0039): what a rule would have raised over stored history, before it
// is saved. The rule is a create body; the range is bounded so an answer stays quick.
import { z } from 'zod';
import { createAlarmRuleSchema } from './alarm-rule.ts';
import { isoDateTimeSchema } from './ids.ts';

export const MAX_BACKTEST_DAYS = 31;
/** Raw samples one backtest reads at most (31 days of one tag at 1 s is 2 678 400). */
export const MAX_BACKTEST_SAMPLES = 3_000_000;
/** ISA-18.2 / EEMUA 191: an alarm raised this many times within the window is chattering. */
export const CHATTER_RAISES = 3;
export const CHATTER_WINDOW_MS = 60_000;
/** Transitions listed in the timeline at most; the counts cover all of them. */
export const MAX_BACKTEST_TIMELINE = 1_000;

export const backtestAlarmRuleSchema = z
  .strictObject({
    rule: createAlarmRuleSchema,
    from: isoDateTimeSchema,
    to: isoDateTimeSchema,
  })
  .superRefine((body, ctx) => {
    const from = Date.parse(body.from);
    const to = Date.parse(body.to);
    if (!(to > from)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    } else if (to - from > MAX_BACKTEST_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range is longer than the limit of ${MAX_BACKTEST_DAYS} days; backtest a shorter range`,
      });
    }
    if (body.rule.kind === 'commLoss') {
      ctx.addIssue({
        code: 'custom',
        path: ['rule', 'kind'],
        message: 'communication-loss rules cannot be backtested: history keeps no record of silence',
      });
    }
  })
  .meta({ id: 'BacktestAlarmRule' });
export type BacktestAlarmRule = z.infer<typeof backtestAlarmRuleSchema>;

const backtestKeySchema = z.enum(['hihi', 'hi', 'lo', 'lolo', 'alarm']);

export const alarmBacktestSchema = z
  .object({
    from: isoDateTimeSchema,
    to: isoDateTimeSchema,
    /** Raw samples of the tag in the range, all evaluated. */
    samples: z.number().int(),
    raises: z.number().int(),
    clears: z.number().int(),
    /** Summed over the rule's alarms (each level of a stack is one), active until `to` at most. */
    timeInAlarmMs: z.number(),
    /** Runs of at least CHATTER_RAISES raises of one alarm, each within CHATTER_WINDOW_MS of the one before. */
    chatteringEpisodes: z.number().int(),
    /** Each alarm of the rule (a level, or "alarm"). */
    alarms: z.array(
      z.object({
        key: backtestKeySchema,
        raises: z.number().int(),
        clears: z.number().int(),
        timeInAlarmMs: z.number(),
        chatteringEpisodes: z.number().int(),
        activeAtEnd: z.boolean(),
      }),
    ),
    /** Raises and clears in time order; at most MAX_BACKTEST_TIMELINE, the first ones. */
    timeline: z.array(
      z.object({
        at: isoDateTimeSchema,
        key: backtestKeySchema,
        kind: z.enum(['raised', 'cleared']),
        value: z.union([z.number(), z.boolean(), z.string()]).nullable(),
      }),
    ),
    timelineTruncated: z.boolean(),
  })
  .meta({ id: 'AlarmBacktest' });
export type AlarmBacktest = z.infer<typeof alarmBacktestSchema>;
