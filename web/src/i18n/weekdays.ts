// Day names in the viewer's language from Intl (0 = Sunday, as the API numbers them).
/** Sunday to Saturday, e.g. ["Sunday", "Monday", …] or ["domingo", "segunda-feira", …]. */
export function weekdayNames(locale: string): string[] {
  const format = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  // 2023-01-01 was a Sunday.
  return Array.from({ length: 7 }, (_, day) => format.format(Date.UTC(2023, 0, 1 + day)));
}
