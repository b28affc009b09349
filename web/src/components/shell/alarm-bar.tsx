'use client';
// The alarm annunciator above every page: unacknowledged alarms by severity (critical flashes until
// acknowledged), the count in the page title, an optional tone the user can mute (a preference kept
// for the user by the API), N to open the newest alarm, and whether what it shows is live (pushed, or
// polled where push does not work), reconnecting, or stale since when.
import { alarmSeverities } from '@plantwatch/shared';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useFormatter, useTranslations } from 'next-intl';
import { useEffect, useRef, useState } from 'react';
import { configureAlarmFeed, useAlarmFeed } from '../../live/alarm-feed.ts';
import { savePreference } from '../../server/preference-actions.ts';
import { playAlarmTone } from './alarm-sound.ts';

/** Keeps "(n) " in front of the page title while n alarms wait, whatever title Next sets. */
function useTitleCount(count: number) {
  useEffect(() => {
    const apply = () => {
      const base = document.title.replace(/^\(\d+\) /, '');
      const wanted = count > 0 ? `(${count}) ${base}` : base;
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }, [count]);
}

const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function AlarmBar(props: {
  /** The user's choice, from their preferences. */
  alarmSound: boolean;
  /** How often the feed asks where push does not work. */
  fallbackPollMs: number;
}) {
  const t = useTranslations('annunciator');
  const ts = useTranslations('alarms');
  const format = useFormatter();
  const router = useRouter();
  configureAlarmFeed({ fallbackPollMs: props.fallbackPollMs });
  const { status, transport, summary, receivedAt } = useAlarmFeed();
  const [soundOn, setSoundOn] = useState(props.alarmSound);
  const heard = useRef<string | null>(null);
  const total = summary?.total ?? 0;
  const newest = summary?.newest ?? null;
  useTitleCount(total);

  // A tone when a new alarm needs attention (not for the ones already waiting when the page opened).
  useEffect(() => {
    if (!newest) return;
    if (heard.current !== null && heard.current !== newest.id && soundOn) playAlarmTone(newest.severity);
    heard.current = newest.id;
  }, [newest, soundOn]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 'n' || event.altKey || event.ctrlKey || event.metaKey) return;
      if (typingIn(event.target) || !newest) return;
      event.preventDefault();
      router.push(`/alarms/${newest.ruleId}?focus=acknowledge`);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [newest, router]);

  const toggleSound = () => {
    const next = !soundOn;
    setSoundOn(next);
    void savePreference({ name: 'alarmSound', value: next });
  };
  const since = receivedAt ? format.dateTime(new Date(receivedAt), { timeStyle: 'medium' }) : '—';

  return (
    <section
      className={`alarm-bar${summary?.worst ? ` abnormal worst-${summary.worst}` : ''}`}
      aria-label={t('label')}
      data-feed={status}
      data-transport={transport}
    >
      <ul className="alarm-bar-counts">
        {alarmSeverities.map((severity) => {
          const count = summary?.unacked[severity] ?? 0;
          return (
            <li key={severity}>
              <Link
                href={`/alarms?severity=${severity}`}
                className={`severity ${count > 0 ? `severity-${severity}` : 'quiet'}${
                  count > 0 && severity === 'critical' ? ' flash' : ''
                }`}
                aria-label={t('countLabel', { n: count, severity: ts(`severities.${severity}`) })}
                data-severity={severity}
                data-count={count}
              >
                {ts(`severities.${severity}`)} <span className="count">{count}</span>
              </Link>
            </li>
          );
        })}
      </ul>
      <p className="alarm-bar-newest" aria-live="polite">
        {newest ? (
          <>
            <span className="wide-only">{t('newest')} </span>
            <Link href={`/alarms/${newest.ruleId}?focus=acknowledge`} className="newest-link">
              {newest.name}
            </Link>{' '}
            <kbd title={t('keyHint')}>N</kbd>
          </>
        ) : summary ? (
          t('none')
        ) : null}
      </p>
      <p
        className={`alarm-bar-status status-${status}`}
        role="status"
        title={status === 'live' ? t(transport === 'push' ? 'pushTitle' : 'pollTitle') : undefined}
      >
        {status === 'live'
          ? t(transport === 'push' ? 'live' : 'polling')
          : status === 'connecting'
            ? t('connecting')
            : status === 'reconnecting'
              ? t('reconnecting', { since })
              : t('stale', { since })}
      </p>
      <button type="button" className="secondary sound-toggle" aria-pressed={soundOn} onClick={toggleSound}>
        {soundOn ? t('soundOn') : t('soundOff')}
      </button>
    </section>
  );
}
