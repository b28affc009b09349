'use client';
// Tells the server the browser's time zone (a cookie), so pages render times in it from then on
// instead of drawing UTC first and flipping to local time.
import { useRouter } from 'next/navigation';
import { useTimeZone } from 'next-intl';
import { useEffect } from 'react';
import { savePreference } from '../server/preference-actions.ts';

export function TimeZoneReporter() {
  const rendered = useTimeZone();
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && zone !== rendered) {
      void savePreference({ name: 'timeZone', value: zone }).then(() => router.refresh());
    }
  }, [rendered, router]);
  return null;
}
