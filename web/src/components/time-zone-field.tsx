'use client';
// A time zone field: filled with the viewer's zone (the browser's, known to the server by then), zone
// names to pick from, and a line saying what will be saved and what time it is there now.
import { useFormatter, useTimeZone, useTranslations } from 'next-intl';
import { useEffect, useId, useState } from 'react';
import { validTimeZone } from '../i18n/time-zone.ts';
import { Field } from './forms.tsx';

const zoneNames = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
};

export function TimeZoneField(props: {
  name?: string;
  label: string;
  defaultValue?: string;
  purpose: string;
}) {
  const t = useTranslations('timeZoneField');
  const format = useFormatter();
  const viewerZone = useTimeZone() ?? 'UTC';
  const [zone, setZone] = useState(props.defaultValue || viewerZone);
  const [typed, setTyped] = useState(false);
  // The time there is shown once in the browser (rendered on the server, it could differ by a minute
  // from the browser's render and break hydration), then kept current.
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => {
    setNow(new Date());
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  // On a first visit the server does not know the browser's zone yet (it renders UTC): the browser does.
  useEffect(() => {
    if (props.defaultValue || typed) return;
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (browserZone) setZone(browserZone);
  }, [props.defaultValue, typed]);
  const list = useId();
  const known = validTimeZone(zone.trim());
  const hint = !zone.trim()
    ? t('empty')
    : known
      ? t('saves', {
          zone: known,
          time: now ? format.dateTime(now, { timeZone: known, timeStyle: 'short' }) : '…',
          purpose: props.purpose,
        })
      : t('unknown', { zone: zone.trim() });
  return (
    <>
      <Field
        name={props.name ?? 'timeZone'}
        label={props.label}
        value={zone}
        onChange={(event) => {
          setTyped(true);
          setZone(event.target.value);
        }}
        list={list}
        autoComplete="off"
        hint={hint}
      />
      <datalist id={list}>
        {zoneNames().map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
}
