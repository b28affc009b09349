'use server';
// The alarm rule form's "Test against the last N days" (issue 17, ADR 0039): the form's rule, unsaved,
// posted to the backtest route with a range ending now. The API's refusals (a range over its limit, a
// rule it cannot backtest) come back in its own words.
import 'server-only';
import { type AlarmBacktest, alarmBacktestSchema } from '@plantwatch/shared';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { fieldsOf } from '../alarm-rule-form.ts';
import { backtestBody } from '../backtest-view.ts';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { viewerWithRole } from './viewer.ts';

export type BacktestAnswer =
  | { status: 'ok'; result: AlarmBacktest }
  | { status: 'error'; message: string; details?: string[] };

const requestSchema = z.strictObject({
  days: z.number().int().min(1).max(366),
  fixed: z.strictObject({ kind: z.string().min(1), tagId: z.string().min(1) }).optional(),
});

export async function backtestRule(
  request: { days: number; fixed?: { kind: string; tagId: string } },
  form: FormData,
): Promise<BacktestAnswer> {
  const t = await getTranslations();
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) return { status: 'error', message: t('errors.generic') };
  const to = new Date();
  const from = new Date(to.getTime() - parsed.data.days * 86_400_000);
  const { body, fieldErrors } = backtestBody(fieldsOf(form), parsed.data.fixed, { from, to }, t);
  const own = Object.values(fieldErrors);
  if (own.length > 0) return { status: 'error', message: t('errors.fixFields'), details: own };
  try {
    const viewer = await viewerWithRole('viewer');
    const answer = await callApi('POST', '/v1/alarm-rules/backtest', { token: viewer.token, body });
    return { status: 'ok', result: alarmBacktestSchema.parse(answer) };
  } catch (error) {
    if (error instanceof ApiUnavailableError) return { status: 'error', message: t('errors.apiDown') };
    if (error instanceof ApiError && error.status < 500) {
      const details = error.issues.map(
        (issue) => `${issue.path.replace(/^body\.(rule\.)?/, '')}: ${issue.message}`,
      );
      // the envelope's message repeats its first issue: the issues alone say it once, by field
      return details.length > 1
        ? { status: 'error', message: t('errors.fixFields'), details }
        : { status: 'error', message: details[0] ?? error.message };
    }
    console.error('web: a backtest failed', error);
    return { status: 'error', message: t('backtest.failed') };
  }
}
