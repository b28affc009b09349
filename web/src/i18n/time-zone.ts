// The viewer's time zone: the browser reports it once into a cookie, so the server renders times in it.

export const TIME_ZONE_COOKIE = 'pw-tz';

/** The zone if it is an IANA name this runtime knows, else undefined. */
export function validTimeZone(zone: string | undefined): string | undefined {
  if (!zone || zone.length > 64) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}
