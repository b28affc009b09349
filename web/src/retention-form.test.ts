import { type RetentionDeletion, retentionKinds, retentionSettingsSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { englishTranslator } from './i18n/translator.ts';
import { retentionBody, retentionFieldErrors, retentionRuns } from './retention-form.ts';

const t = englishTranslator();

const form = (values: Record<string, string>) => {
  const data = new FormData();
  for (const kind of retentionKinds) data.set(kind, values[kind] ?? '30');
  return data;
};

describe('the retention form as a PUT body', () => {
  it('sends every setting as a whole number of days the API accepts', () => {
    const result = retentionBody(form({ rawPoints: ' 90 ', alarmJournal: '365' }), 365, t);
    if (!('body' in result)) throw new Error(`refused: ${JSON.stringify(result.fieldErrors)}`);
    expect(result.body).toEqual({
      rawPoints: 90,
      rollupsMinute: 30,
      rollupsHour: 30,
      alarmJournal: 365,
      messageLog: 30,
      reportFiles: 30,
      deadLetters: 30,
    });
    expect(retentionSettingsSchema.safeParse(result.body).success).toBe(true);
  });

  it('names each field that is over the plan’s maximum, empty, not whole or below a day', () => {
    const result = retentionBody(
      form({ rawPoints: '366', rollupsMinute: '', rollupsHour: '1.5', messageLog: '0', deadLetters: 'ten' }),
      365,
      t,
    );
    expect(result).toEqual({
      fieldErrors: {
        rawPoints: 'More than your plan allows: at most 365 days.',
        rollupsMinute: 'Enter a number of days.',
        rollupsHour: 'Enter a whole number of days.',
        messageLog: 'Keep it at least 1 day.',
        deadLetters: 'Enter a whole number of days.',
      },
    });
  });

  it('accepts exactly the plan’s maximum', () => {
    expect('body' in retentionBody(form({ reportFiles: '90' }), 90, t)).toBe(true);
  });
});

describe('the API’s issues by field', () => {
  it('puts the API’s refusal beside the setting it names, and one naming none beside the first', () => {
    expect(
      retentionFieldErrors([
        { path: 'body.alarmJournal', message: 'at most 90 days' },
        { path: 'body', message: 'unrecognised key "spare"' },
      ]),
    ).toEqual({ alarmJournal: 'at most 90 days', rawPoints: 'unrecognised key "spare"' });
  });
});

describe('the recorded deletions as nightly runs', () => {
  const deletion = (ranAt: string, kind: RetentionDeletion['kind'], deleted: number): RetentionDeletion => ({
    id: `${ranAt}-${kind}`,
    ranAt,
    kind,
    olderThan: '2026-01-01T00:00:00.000Z',
    deleted,
  });

  it('groups them by run, newest first, each run’s kinds in the page’s order, at most the runs asked', () => {
    const runs = retentionRuns(
      [
        deletion('2026-03-03T02:00:00.000Z', 'deadLetters', 4),
        deletion('2026-03-03T02:00:00.000Z', 'rawPoints', 1200),
        deletion('2026-03-02T02:00:00.000Z', 'messageLog', 0),
        deletion('2026-03-01T02:00:00.000Z', 'rawPoints', 7),
      ],
      2,
    );
    expect(runs.map((run) => [run.ranAt, run.deletions.map((d) => [d.kind, d.deleted])])).toEqual([
      [
        '2026-03-03T02:00:00.000Z',
        [
          ['rawPoints', 1200],
          ['deadLetters', 4],
        ],
      ],
      ['2026-03-02T02:00:00.000Z', [['messageLog', 0]]],
    ]);
  });
});
