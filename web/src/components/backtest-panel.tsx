'use client';
// In the alarm rule form: "Test against the last 7 / 30 days" (issue 17, ADR 0039). Posts the rule as
// it stands in the form, unsaved, to the backtest route and shows raises, clears, time in alarm,
// chattering episodes, each alarm's active stretches on a small timeline, and the first transitions.
import { useFormatter, useTranslations } from 'next-intl';
import { useId, useRef, useState, useTransition } from 'react';
import '../app/derived-tags.css';
import { activeStretches, BACKTEST_DAYS, durationUnit } from '../backtest-view.ts';
import { type BacktestAnswer, backtestRule } from '../server/alarm-backtest-actions.ts';

/** Transitions listed under the timeline; the API may send up to 1 000. */
const LISTED = 20;

export function BacktestPanel(props: { fixed?: { kind: string; tagId: string } }) {
  const b = useTranslations('backtest');
  const id = useId();
  const anchor = useRef<HTMLDivElement>(null);
  const [answer, setAnswer] = useState<BacktestAnswer | null>(null);
  const [pending, startTransition] = useTransition();
  const [otherDays, setOtherDays] = useState('');
  const run = (days: number) => {
    const form = anchor.current?.closest('form');
    if (!form) return;
    const data = new FormData(form);
    startTransition(async () => {
      try {
        setAnswer(await backtestRule({ days, ...(props.fixed ? { fixed: props.fixed } : {}) }, data));
      } catch {
        setAnswer({ status: 'error', message: b('failed') });
      }
    });
  };
  return (
    <section ref={anchor} className="backtest" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{b('heading')}</h3>
      <p className="hint">{b('intro')}</p>
      <div className="row backtest-actions">
        {BACKTEST_DAYS.map((days) => (
          <button key={days} type="button" className="secondary" disabled={pending} onClick={() => run(days)}>
            {b('lastDays', { days })}
          </button>
        ))}
        <span className="field">
          <label htmlFor={`${id}-days`}>{b('otherDays')}</label>
          <input
            id={`${id}-days`}
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            value={otherDays}
            onChange={(event) => setOtherDays(event.target.value)}
          />
        </span>
        <button
          type="button"
          className="secondary"
          disabled={pending || !(Number(otherDays) >= 1)}
          onClick={() => run(Math.round(Number(otherDays)))}
        >
          {b('run')}
        </button>
      </div>
      <div aria-live="polite" aria-busy={pending}>
        {pending ? (
          <p className="muted">{b('running')}</p>
        ) : answer ? (
          <BacktestResult answer={answer} />
        ) : null}
      </div>
    </section>
  );
}

function BacktestResult({ answer }: { answer: BacktestAnswer }) {
  const b = useTranslations('backtest');
  const format = useFormatter();
  if (answer.status === 'error') {
    return (
      <div className="field-error" role="alert" data-testid="backtest-error">
        <p>{answer.message}</p>
        {answer.details ? (
          <ul>
            {answer.details.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  const { result } = answer;
  const duration = (ms: number) => {
    const { amount, unit } = durationUnit(ms);
    return format.number(amount, { style: 'unit', unit, unitDisplay: 'short' });
  };
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'short', timeStyle: 'short' });
  const stretches = activeStretches(result);
  return (
    <div className="backtest-result" data-testid="backtest-result">
      <p className="hint">
        {b('summary', { samples: result.samples, from: when(result.from), to: when(result.to) })}
      </p>
      <dl className="backtest-stats">
        <div>
          <dt>{b('raises')}</dt>
          <dd data-testid="backtest-raises">{result.raises}</dd>
        </div>
        <div>
          <dt>{b('clears')}</dt>
          <dd>{result.clears}</dd>
        </div>
        <div>
          <dt>{b('timeInAlarm')}</dt>
          <dd>{duration(result.timeInAlarmMs)}</dd>
        </div>
        <div>
          <dt>{b('chattering')}</dt>
          <dd>{result.chatteringEpisodes}</dd>
        </div>
      </dl>
      {result.raises === 0 ? (
        <p>{b('noRaises')}</p>
      ) : (
        <>
          <h4>{b('timeline')}</h4>
          <svg
            className="backtest-timeline"
            viewBox="0 0 1000 24"
            preserveAspectRatio="none"
            role="img"
            aria-label={b('timeline')}
          >
            <rect x="0" y="10" width="1000" height="4" className="backtest-track" />
            {stretches.map((stretch) => (
              <rect
                key={`${stretch.key}-${stretch.start}`}
                x={stretch.start * 1000}
                y="2"
                width={Math.max(2, (stretch.end - stretch.start) * 1000)}
                height="20"
                className={`backtest-active backtest-${stretch.key}`}
              />
            ))}
          </svg>
          <div className="backtest-axis hint">
            <span>{when(result.from)}</span>
            <span>{when(result.to)}</span>
          </div>
          <ol className="backtest-transitions">
            {result.timeline.slice(0, LISTED).map((entry) => (
              <li key={`${entry.at}-${entry.key}-${entry.kind}`}>
                {when(entry.at)} · {entry.key} · {b(entry.kind)}
                {entry.value === null ? '' : ` · ${String(entry.value)}`}
              </li>
            ))}
          </ol>
          {result.timeline.length > LISTED || result.timelineTruncated ? (
            <p className="hint">{b('truncated', { count: Math.min(LISTED, result.timeline.length) })}</p>
          ) : null}
        </>
      )}
      {result.alarms.some((alarm) => alarm.activeAtEnd) ? (
        <p className="hint">
          {result.alarms
            .filter((alarm) => alarm.activeAtEnd)
            .map((alarm) => alarm.key)
            .join(', ')}
          : {b('activeAtEnd')}
        </p>
      ) : null}
    </div>
  );
}
