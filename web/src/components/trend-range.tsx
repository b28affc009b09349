'use client';
// A fixed period for the trend: from and to as date and time in the browser's zone, checked before use.
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';

/** "2026-12-07T09:30" in the browser's zone, as a datetime-local input holds it. */
export const localInputValue = (ms: number) => {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
};

export function TrendRangeFields(props: {
  window: { from: number; to: number };
  onApply: (window: { from: number; to: number }) => void;
}) {
  const t = useTranslations('trend');
  const id = useId();
  const [from, setFrom] = useState(() => localInputValue(props.window.from));
  const [to, setTo] = useState(() => localInputValue(props.window.to));
  const [error, setError] = useState('');
  return (
    <form
      className="trend-range filter"
      aria-label={t('customRange')}
      onSubmit={(event) => {
        event.preventDefault();
        const start = new Date(from).getTime();
        const end = new Date(to).getTime();
        if (!Number.isFinite(start) || !Number.isFinite(end)) return setError(t('rangeIncomplete'));
        if (end <= start) return setError(t('rangeBackwards'));
        setError('');
        props.onApply({ from: start, to: end });
      }}
    >
      <div className="filter-field">
        <label htmlFor={`${id}-from`}>{t('from')}</label>
        <input
          id={`${id}-from`}
          type="datetime-local"
          value={from}
          onChange={(event) => setFrom(event.target.value)}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      </div>
      <div className="filter-field">
        <label htmlFor={`${id}-to`}>{t('to')}</label>
        <input
          id={`${id}-to`}
          type="datetime-local"
          value={to}
          onChange={(event) => setTo(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      </div>
      <button type="submit">{t('apply')}</button>
      {error ? (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
