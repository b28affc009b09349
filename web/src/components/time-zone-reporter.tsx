'use client';
// Tells the server the browser's time zone (a cookie), so pages render times in it from then on
// instead of drawing UTC first and flipping to local time. Not while the user chose a zone of their own.
import { useRouter } from 'next/navigation';
import { useTimeZone } from 'next-intl';
import { useEffect } from 'react';
import { reportBrowserTimeZone } from '../server/preference-actions.ts';

export function TimeZoneReporter({ followsBrowser }: { followsBrowser: boolean }) {
  const rendered = useTimeZone();
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (followsBrowser && zone && zone !== rendered) {
      void reportBrowserTimeZone(zone).then(() => router.refresh());
    }
  }, [followsBrowser, rendered, router]);
  return null;
}
