'use client';
// The fleet page keeps itself current while data flows (issue 19): it is rendered again when the
// pushed alarm summary changes (a raise, an acknowledgement, a clear: at once) and every few seconds
// for what is not pushed to it (last data, gateways online). Never while someone types in the filter.
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { useAlarmFeed } from '../live/alarm-feed.ts';

const EVERY_MS = 10_000;

const typing = () => document.activeElement?.matches('input, textarea, select') ?? false;

/**
 * Set for a few seconds after a link is followed: a refresh then would only compete with the page being
 * opened (a sorting heading stays on this page, so it wears off).
 */
let leaving = false;
let leavingTimer: ReturnType<typeof setTimeout> | undefined;

export function FleetRefresh() {
  const t = useTranslations();
  const router = useRouter();
  const { summary } = useAlarmFeed();
  const seen = useRef<string | null>(null);

  useEffect(() => {
    leaving = false;
    const onClick = (event: MouseEvent) => {
      if (!(event.target instanceof Element) || !event.target.closest('a[href]')) return;
      leaving = true;
      clearTimeout(leavingTimer);
      leavingTimer = setTimeout(() => {
        leaving = false;
      }, 5_000);
    };
    document.addEventListener('click', onClick, { capture: true });
    return () => document.removeEventListener('click', onClick, { capture: true });
  }, []);

  useEffect(() => {
    if (!summary) return;
    const key = JSON.stringify(summary);
    // The first summary is what the page was rendered with; only a later change asks again.
    if (seen.current !== null && seen.current !== key && !typing() && !leaving) router.refresh();
    seen.current = key;
  }, [summary, router]);

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && !typing() && !leaving) router.refresh();
    }, EVERY_MS);
    return () => clearInterval(timer);
  }, [router]);

  return <p className="hint">{t('fleet.refreshing')}</p>;
}
