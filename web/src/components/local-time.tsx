'use client';
// A moment in the viewer's language and time zone (the browser's, remembered in a cookie, so the
// server already renders it as the browser would: no flip from UTC after loading).
import { useFormatter } from 'next-intl';

export function LocalTime({ iso, seconds = false }: { iso: string; seconds?: boolean }) {
  const format = useFormatter();
  return (
    <time dateTime={iso}>
      {format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: seconds ? 'medium' : 'short' })}
    </time>
  );
}
