'use client';
// A moment shown in the viewer's own time zone. The server renders UTC; the browser swaps in local time.
import { useEffect, useState } from 'react';

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export function LocalTime({ iso }: { iso: string }) {
  const [text, setText] = useState(() => utc(iso));
  useEffect(() => {
    setText(
      new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
    );
  }, [iso]);
  return <time dateTime={iso}>{text}</time>;
}
