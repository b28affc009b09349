'use client';
// Beside the escalation policy form: when its pages go out if nobody acknowledges, read from the form
// as it is typed (levels with a target, their delays, repeat, the repeat backoff).
import { useFormatter, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { type BackoffPolicy, pageTimes } from '../policy-backoff.ts';

function readPolicy(form: HTMLFormElement): BackoffPolicy {
  const data = new FormData(form);
  const value = (name: string) => {
    const entry = data.get(name);
    return typeof entry === 'string' ? entry.trim() : '';
  };
  const levelRows = Number(value('levelRows')) || 0;
  const targetRows = Number(value('targetRows')) || 0;
  const delays: number[] = [];
  for (let level = 0; level < levelRows; level++) {
    const targeted = Array.from({ length: targetRows }, (_, n) => value(`levels.${level}.targets.${n}`)).some(
      (target) => target !== '',
    );
    if (targeted) delays.push(Math.max(0, Number(value(`levels.${level}.delayMinutes`)) || 0));
  }
  const factor = Number(value('repeatBackoff.factor'));
  const max = Number(value('repeatBackoff.maxDelayMinutes'));
  return {
    delays,
    repeat: Math.min(10, Math.max(0, Number(value('repeat')) || 0)),
    backoff:
      value('repeatBackoff.factor') !== '' && factor >= 1.5 && factor <= 10 && max >= 1
        ? { factor, maxDelayMinutes: max }
        : null,
  };
}

export function BackoffPreview() {
  const b = useTranslations('backoff');
  const format = useFormatter();
  const anchor = useRef<HTMLDivElement>(null);
  const [rounds, setRounds] = useState<number[][] | null>(null);
  useEffect(() => {
    const form = anchor.current?.closest('form');
    if (!form) return;
    const update = () => setRounds(pageTimes(readPolicy(form)));
    update();
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    return () => {
      form.removeEventListener('input', update);
      form.removeEventListener('change', update);
    };
  }, []);
  return (
    <div ref={anchor} className="backoff-preview" aria-live="polite">
      <p>
        <strong>{b('preview')}</strong>
      </p>
      {rounds === null ? null : rounds.length === 0 ? (
        <p className="muted">{b('noLevels')}</p>
      ) : (
        <>
          <p className="hint">{b('previewIntro')}</p>
          <ul>
            {rounds.map((times, round) => (
              // one line per round, in order
              // biome-ignore lint/suspicious/noArrayIndexKey: rounds are positions
              <li key={round}>
                {b('round', { round })}:{' '}
                {times
                  .map((minutes) =>
                    b('at', { minutes: format.number(minutes, { maximumFractionDigits: 1 }) }),
                  )
                  .join(', ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
