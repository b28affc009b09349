'use client';
// A moment shown in the viewer's own time zone. The server renders UTC; the browser swaps in local time.
import { useEffect, useState } from 'react';

const utc = (iso: string, seconds: boolean) => `${iso.slice(0, seconds ? 19 : 16).replace('T', ' ')} UTC`;

export function LocalTime({ iso, seconds = false }: { iso: string; seconds?: boolean }) {
  const [text, setText] = useState(() => utc(iso, seconds));
  useEffect(() => {
    setText(
      new Intl.DateTimeFormat(undefined, {
        dateStyle: 'medium',
        timeStyle: seconds ? 'medium' : 'short',
      }).format(new Date(iso)),
    );
  }, [iso, seconds]);
  return <time dateTime={iso}>{text}</time>;
}
