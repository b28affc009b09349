// What a page says, per channel: site, device, tag, value with its unit, the limit, the severity and
// how to acknowledge. An SMS stays within one segment where it can: the text is shortened in a fixed
// order (GSM spelling, then dropping "since" and the escalation level, abbreviating, dropping the
// device, then the tag, then shortening names), never dropping the site, value, limit or how to
// acknowledge. Digests of held pages are worded here too. Each text goes out in the contact's language
// (page-messages.ts); numbers are written as that language writes them. Pure: no clock, no I/O.
import {
  type Alarm,
  type AlarmRule,
  type ContactChannelType,
  DEFAULT_LANGUAGE,
  formatWithUnit,
  type Language,
  type LimitLevel,
  languages,
  unitSymbol,
} from '@plantwatch/shared';
import { type PageMessageKey, pageTranslator, spellsInGsm } from './page-messages.ts';

/** Where the alarm is and what it watches, as the escalation world reads it for the page. */
export interface AlarmPlace {
  siteName: string | null;
  deviceName: string | null;
  tagName: string | null;
  /** The tag's unit as configured ("degC"); written as the unit catalogue writes it ("°C"). */
  unit: string | null;
  /** The limit crossed, worded with its unit: "HiHi 4.5 m", "> 80 °C", "rising", "no data for 60 s". */
  limit: string | null;
  /** The same in each language, where the words differ ("subindo", "sem dados há 60 s"); else `limit`. */
  limitByLanguage?: Partial<Record<Language, string | null>> | undefined;
  /** The tenant's time zone, for "since". */
  timeZone: string;
  /** The path of the asset the alarm's tag is bound to ("Inlet works / Pumping / Pump 1"), if any (ADR 0042). */
  assetPath?: string | null | undefined;
}

/**
 * The alarm as its messages name it: after its asset's path ("Inlet works / Pumping / Pump 1 — Motor
 * current high"), unless the name already starts with it (rules made from a model are named so).
 */
export function alarmTitle(page: PageContext): string {
  const path = page.place.assetPath;
  if (!path || page.alarm.name.startsWith(path)) return page.alarm.name;
  return `${path} — ${page.alarm.name}`;
}

export type PagedAlarm = Pick<Alarm, 'id' | 'name' | 'severity' | 'value' | 'activeSince'>;

export interface PageContext {
  alarm: PagedAlarm;
  place: AlarmPlace;
}

/** Where the chain is: shown when the policy has more than one level or repeats. */
export interface PageStep {
  level: number;
  round: number;
  /** False for a one-level policy that does not repeat: nothing worth saying. */
  show: boolean;
}

export interface PageText {
  subject: string;
  body: string;
}

// --- SMS segments ---

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const gsmBasic = new Set(GSM_BASIC);
const gsmExtended = new Set(GSM_EXTENDED);

export interface SmsSize {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7 (an extension character counts two), UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
}

/** How many SMS segments a text takes: 160 GSM-7 septets or 70 UCS-2 units in one, 153 or 67 each when split. */
export function smsSize(text: string): SmsSize {
  let septets = 0;
  for (const char of text) {
    if (gsmBasic.has(char)) septets += 1;
    else if (gsmExtended.has(char)) septets += 2;
    else {
      const units = text.length;
      return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
  }
  return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

const fitsOneSms = (text: string) => smsSize(text).segments === 1;

const transliterations: Record<string, string> = {
  '°': '',
  º: '',
  '³': '3',
  '²': '2',
  '₂': '2',
  '₃': '3',
  µ: 'u',
  μ: 'u',
  '·': '.',
  '–': '-',
  '—': '-',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '…': '...',
  '\u00a0': ' ',
  '\u202f': ' ',
};

/** The same text in GSM-7 characters only: "92 °C" → "92 C", "m³/h" → "m3/h", "São" → "Sao". */
export function toGsm(text: string): string {
  let out = '';
  for (const char of text) {
    if (gsmBasic.has(char) || gsmExtended.has(char)) out += char;
    else if (char in transliterations) out += transliterations[char];
    else {
      const plain = char.normalize('NFD').replace(/\p{M}/gu, '');
      out += [...plain].every((c) => gsmBasic.has(c)) ? plain : '?';
    }
  }
  return out;
}

// --- the parts of a page ---

const LEVEL_NAMES: Record<LimitLevel, string> = { hihi: 'HiHi', hi: 'Hi', lo: 'Lo', lolo: 'LoLo' };

/** The limit of the alarm's rule (and level), worded with the tag's unit, in one language. */
export function describeLimit(
  rule: AlarmRule,
  level: LimitLevel | null,
  unit: string | null,
  language: Language = DEFAULT_LANGUAGE,
): string | null {
  const t = pageTranslator(language);
  const withUnit = (value: number) => formatWithUnit(value, unit, { locale: language });
  switch (rule.kind) {
    case 'limit': {
      const entry = rule.levels.find((candidate) => candidate.level === level);
      return entry ? `${LEVEL_NAMES[entry.level]} ${withUnit(entry.threshold)}` : null;
    }
    case 'comparison':
      return `${rule.op} ${typeof rule.value === 'number' ? withUnit(rule.value) : String(rule.value)}`;
    case 'digital':
      return rule.trigger === 'rising' || rule.trigger === 'falling'
        ? t(`limit.${rule.trigger}`)
        : t('limit.is', { value: String(rule.trigger) });
    case 'rateOfChange': {
      const symbol = unitSymbol(unit);
      const arrow: PageMessageKey =
        rule.direction === 'up'
          ? 'limit.rising'
          : rule.direction === 'down'
            ? 'limit.falling'
            : 'limit.changing';
      const rate = formatWithUnit(rule.perMinute, null, { locale: language });
      return `${t(arrow)} > ${rate}${symbol ? ` ${symbol}` : ''}/min`;
    }
    case 'totalizer': {
      // A rate tag's unit is per time (m³/h): the total is in what it is per (m³).
      const volume = rule.input === 'counter' ? unit : (unit?.replace(/\/(s|min|h)$/, '') ?? null);
      const total = formatWithUnit(rule.threshold, volume || null, { locale: language });
      return t('limit.total', { total, window: windowText(rule.windowSeconds) });
    }
    case 'counter':
      return t('limit.count', { count: rule.threshold, window: windowText(rule.windowSeconds) });
    case 'curve': {
      const band =
        rule.toleranceMode === 'percent'
          ? `${formatWithUnit(rule.tolerance, null, { locale: language })} %`
          : withUnit(rule.tolerance);
      return t('limit.curve', { band });
    }
    case 'badQuality':
      return t('limit.badQuality');
    case 'commLoss':
      return t('limit.noData', { seconds: rule.afterSeconds });
  }
}

/** A sliding window as a plant engineer says it: 1 h, 30 min, 90 s. */
function windowText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The limit in every language, for AlarmPlace.limitByLanguage. */
export function describeLimitInEveryLanguage(
  rule: AlarmRule,
  level: LimitLevel | null,
  unit: string | null,
): Record<Language, string | null> {
  return Object.fromEntries(
    languages.map((language) => [language, describeLimit(rule, level, unit, language)]),
  ) as Record<Language, string | null>;
}

const limitIn = (place: AlarmPlace, language: Language) => place.limitByLanguage?.[language] ?? place.limit;

function valueText(alarm: PagedAlarm, unit: string | null, language: Language): string | null {
  if (alarm.value === null) return null;
  return formatWithUnit(alarm.value, unit, { locale: language });
}

function sinceText(activeSince: string | null, timeZone: string, language: Language): string | null {
  if (!activeSince) return null;
  try {
    return new Intl.DateTimeFormat(language, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    }).format(new Date(activeSince));
  } catch {
    return `${activeSince.slice(11, 16)} UTC`;
  }
}

const shorten = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}.`);

interface Rung {
  gsm: boolean;
  since: boolean;
  step: boolean;
  abbreviate: boolean;
  device: boolean;
  tag: boolean;
  shortNames: boolean;
}

/** The order an SMS is shortened in until it fits one segment; the last rung is sent even if it does not. */
export const SMS_LADDER: readonly Rung[] = [
  { gsm: false, since: true, step: true, abbreviate: false, device: true, tag: true, shortNames: false },
  { gsm: true, since: true, step: true, abbreviate: false, device: true, tag: true, shortNames: false },
  { gsm: true, since: false, step: true, abbreviate: false, device: true, tag: true, shortNames: false },
  { gsm: true, since: false, step: false, abbreviate: false, device: true, tag: true, shortNames: false },
  { gsm: true, since: false, step: false, abbreviate: true, device: true, tag: true, shortNames: false },
  { gsm: true, since: false, step: false, abbreviate: true, device: false, tag: true, shortNames: false },
  { gsm: true, since: false, step: false, abbreviate: true, device: false, tag: false, shortNames: false },
  { gsm: true, since: false, step: false, abbreviate: true, device: false, tag: false, shortNames: true },
];

function stepText(step: PageStep, short: boolean, language: Language): string | null {
  if (!step.show) return null;
  return short
    ? `L${step.level + 1}${step.round > 0 ? ` R${step.round}` : ''}`
    : pageTranslator(language)('step', { level: step.level + 1, round: step.round });
}

/** "CRITICAL alarm at North Pumping Station: Wet well level HiHi", in the language. */
function headText(page: PageContext, language: Language, site: string | null, name: string): string {
  const t = pageTranslator(language);
  const severity = t(`severity.${page.alarm.severity}`);
  return site ? t('headAtSite', { severity, site, name }) : t('head', { severity, name });
}

/** One line of text for one rung of the ladder (the full page is the first rung). */
function compactPage(
  page: PageContext,
  step: PageStep,
  rung: Rung,
  ack: string | null,
  language: Language,
): string {
  const t = pageTranslator(language);
  const { alarm, place } = page;
  const site = place.siteName ? (rung.shortNames ? shorten(place.siteName, 18) : place.siteName) : null;
  // the shortest rung drops the asset's path: the alarm's own name says the most in the fewest words
  const name = rung.shortNames ? shorten(alarm.name, 28) : alarmTitle(page);
  const head = rung.abbreviate
    ? `${t(`severityShort.${alarm.severity}`)}${site ? ` ${site}` : ''}: ${name}.`
    : `${headText(page, language, site, name)}.`;
  const where = [rung.device ? place.deviceName : null, rung.tag ? place.tagName : null]
    .filter((part): part is string => Boolean(part))
    .join(' ');
  const value = valueText(alarm, place.unit, language);
  const limitText = limitIn(place, language);
  const limit = limitText ? t(rung.abbreviate ? 'limitShort' : 'limit', { limit: limitText }) : null;
  const reading = [where, value, limit ? (value || where ? `(${limit})` : limit) : null]
    .filter((part): part is string => Boolean(part))
    .join(' ');
  const since = rung.since ? sinceText(alarm.activeSince, place.timeZone, language) : null;
  const stepped = rung.step ? stepText(step, rung.abbreviate, language) : null;
  const parts = [
    head,
    reading ? `${reading}.` : null,
    since ? t('since', { time: since }) : null,
    stepped ? `${stepped}.` : null,
    ack,
  ].filter((part): part is string => Boolean(part));
  const text = parts.join(' ');
  return rung.gsm && spellsInGsm(language) ? toGsm(text) : text;
}

/** The SMS (and WhatsApp) text: the first rung of the ladder that fits one segment, else the last. */
export function smsPageText(
  page: PageContext,
  step: PageStep,
  ackWord = 'OK',
  language: Language = DEFAULT_LANGUAGE,
): string {
  const t = pageTranslator(language);
  let text = '';
  for (const rung of SMS_LADDER) {
    text = compactPage(
      page,
      step,
      rung,
      t(rung.abbreviate ? 'ackShort' : 'ack', { word: ackWord }),
      language,
    );
    if (fitsOneSms(text)) return text;
  }
  return text;
}

function longPage(page: PageContext, step: PageStep, ack: string | null, language: Language): string[] {
  const t = pageTranslator(language);
  const { alarm, place } = page;
  const value = valueText(alarm, place.unit, language);
  const since = sinceText(alarm.activeSince, place.timeZone, language);
  const limit = limitIn(place, language);
  return [
    headText(page, language, place.siteName, alarmTitle(page)),
    [place.deviceName, place.tagName].filter(Boolean).join(' / ') || null,
    value ? t('valueLine', { value }) : null,
    limit ? t('limitLine', { limit }) : null,
    t('severityLine', { severity: t(`severityWord.${alarm.severity}`) }),
    since ? t('sinceLine', { time: since, zone: place.timeZone }) : null,
    step.show ? t('escalationLine', { level: step.level + 1, round: step.round }) : null,
    ack,
  ].filter((line): line is string => Boolean(line));
}

const subjectOf = (page: PageContext, language: Language) =>
  `[Plantwatch] ${headText(page, language, page.place.siteName, alarmTitle(page))}`;

/**
 * The page for one channel, in the contact's language. E-mail's link and the call's "press 1" are
 * added by their adapters.
 */
export function alarmPageText(
  page: PageContext,
  step: PageStep,
  channel: ContactChannelType,
  language: Language = DEFAULT_LANGUAGE,
): PageText {
  const subject = subjectOf(page, language);
  switch (channel) {
    case 'sms':
    case 'whatsapp':
      return { subject, body: smsPageText(page, step, 'OK', language) };
    case 'telegram':
      return {
        subject,
        body: longPage(page, step, pageTranslator(language)('telegramAck'), language).join('\n'),
      };
    case 'email':
      return { subject, body: longPage(page, step, null, language).join('\n') };
    case 'voice':
    case 'webhook':
      return { subject, body: compactPage(page, step, SMS_LADDER[0] as Rung, null, language) };
  }
}

/** A held page's line in its digest: the alarm and its value. */
export function digestLine(page: PageContext, language: Language = DEFAULT_LANGUAGE): string {
  const value = valueText(page.alarm, page.place.unit, language);
  const severity = pageTranslator(language)(`severity.${page.alarm.severity}`);
  return `${severity} ${alarmTitle(page)}${value ? ` ${value}` : ''}`;
}

/** One message for several held pages of one site ("3 alarms at North Pumping Station: …"). */
export function digestText(
  lines: readonly { line: string; name: string }[],
  siteName: string | null,
  channel: ContactChannelType,
  language: Language = DEFAULT_LANGUAGE,
): PageText {
  const t = pageTranslator(language);
  const head = siteName
    ? t('digestHeadAtSite', { count: lines.length, site: siteName })
    : t('digestHead', { count: lines.length });
  const subject = `[Plantwatch] ${head}`;
  if (channel === 'sms' || channel === 'whatsapp') {
    const attempt = (items: string[], more: number, gsm: boolean) => {
      const text = `${head}: ${items.join('; ')}${more > 0 ? ` ${t('digestMore', { count: more })}` : ''}. ${t('digestAck')}`;
      return gsm && spellsInGsm(language) ? toGsm(text) : text;
    };
    const full = lines.map((entry) => entry.line);
    const names = lines.map((entry) => entry.name);
    // every line with its value, then in GSM spelling, then names only, then fewer names and "K more"
    const candidates = [attempt(full, 0, false), attempt(full, 0, true), attempt(names, 0, true)];
    for (let shown = names.length - 1; shown >= 1; shown--) {
      candidates.push(attempt(names.slice(0, shown), names.length - shown, true));
    }
    const fits = candidates.find(fitsOneSms);
    return { subject, body: fits ?? (candidates.at(-1) as string) };
  }
  const list = lines.map((entry) => `- ${entry.line}`);
  // e-mail gets its links and a call its "press 1" from their adapters; a webhook needs no instruction
  const ack = channel === 'telegram' ? t('digestTelegramAck') : null;
  const body = [`${head}:`, ...list, ...(ack ? [ack] : [])].join(
    channel === 'voice' || channel === 'webhook' ? ' ' : '\n',
  );
  return { subject, body };
}
