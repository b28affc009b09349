// Between the report form and the API: the form's fields (checkbox lists for scope, metrics,
// sections and formats; a fixed period typed in the report's zone) to a create or update body, a
// saved report back to what prefills the edit form, the API's issue paths to the field that shows
// the message, and a schedule in words; the sites' asset trees the scope picker offers. Pure, so it is
// tested without a browser.
import {
  type AssetTreeNode,
  instantOfLocalDateTime,
  localDateTimeOf,
  type ReportSchedule,
  type ReportScheduleTiming,
  relativePeriods,
} from '@plantwatch/shared';
import type { RulePlant } from './components/alarm-rule-form.tsx';
import type { Translator } from './i18n/translator.ts';

export const reportListFields = [
  'scope.siteIds',
  'scope.deviceIds',
  'scope.tagIds',
  'scope.assetIds',
  'metrics',
  'sections',
  'formats',
] as const;
export type ReportListField = (typeof reportListFields)[number];

export interface ReportFormValues {
  fields: Record<string, string>;
  lists: Record<ReportListField, string[]>;
}

/** What the form sent, read once: text by name, and every ticked box of each list. */
export function reportFormValues(form: FormData): ReportFormValues {
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) if (typeof value === 'string') fields[name] = value;
  const lists = Object.fromEntries(
    reportListFields.map((name) => [
      name,
      form.getAll(name).filter((value): value is string => typeof value === 'string' && value !== ''),
    ]),
  ) as Record<ReportListField, string[]>;
  return { fields, lists };
}

const textOf = (fields: Record<string, string>, name: string): string | undefined => {
  const value = fields[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

const numberOf = (fields: Record<string, string>, name: string): number | undefined => {
  const value = textOf(fields, name);
  return value === undefined ? undefined : Number(value);
};

/** One address per line, or separated by commas or semicolons. */
export const recipientsOf = (text: string | undefined): string[] =>
  (text ?? '')
    .split(/[\n,;]/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

function scheduleOf(fields: Record<string, string>): Record<string, unknown> {
  const kind = textOf(fields, 'schedule.kind');
  switch (kind) {
    case 'hourly':
      return { kind, minute: numberOf(fields, 'schedule.minute') };
    case 'daily':
      return { kind, at: textOf(fields, 'schedule.at') };
    case 'weekly':
      return { kind, at: textOf(fields, 'schedule.at'), dayOfWeek: numberOf(fields, 'schedule.dayOfWeek') };
    case 'monthly':
      return { kind, at: textOf(fields, 'schedule.at'), dayOfMonth: numberOf(fields, 'schedule.dayOfMonth') };
    default:
      return { kind, expression: textOf(fields, 'schedule.expression') };
  }
}

export interface ReportBody {
  body: Record<string, unknown>;
  fieldErrors: Record<string, string>;
}

/**
 * The body for POST /v1/reports, and for PATCH (every field replaced whole). An empty time zone
 * is left out: the organisation's on create, unchanged on edit; a fixed period is read in
 * `timeZone` or, when that is empty, in `defaultZone`.
 */
export function reportBody(values: ReportFormValues, defaultZone: string, t: Translator): ReportBody {
  const { fields, lists } = values;
  const fieldErrors: Record<string, string> = {};
  const timeZone = textOf(fields, 'timeZone');
  const periodChoice = textOf(fields, 'period') ?? 'last-day';
  let period: unknown = periodChoice;
  if (periodChoice === 'custom') {
    const zone = timeZone ?? defaultZone;
    const instant = (name: 'period.from' | 'period.to') => {
      const local = textOf(fields, name);
      let iso: string | null = null;
      try {
        iso = local === undefined ? null : instantOfLocalDateTime(zone, local);
      } catch {
        iso = null; // an unknown zone: the time zone field says so
      }
      if (iso === null) fieldErrors[name] = t('reports.notADateTime');
      return iso ?? undefined;
    };
    period = { from: instant('period.from'), to: instant('period.to') };
  }
  const body: Record<string, unknown> = {
    name: textOf(fields, 'name'),
    scope: {
      siteIds: lists['scope.siteIds'],
      deviceIds: lists['scope.deviceIds'],
      tagIds: lists['scope.tagIds'],
      assetIds: lists['scope.assetIds'],
    },
    period,
    bucket: textOf(fields, 'bucket'),
    metrics: lists.metrics,
    sections: lists.sections,
    formats: lists.formats,
    recipients: recipientsOf(fields.recipients),
    schedule: Object.fromEntries(Object.entries(scheduleOf(fields)).filter(([, v]) => v !== undefined)),
    enabled: fields.enabled === 'on',
  };
  if (timeZone !== undefined) body.timeZone = timeZone;
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return { body, fieldErrors };
}

/** The edit form's values for a saved report. */
export function reportFormDefaults(report: ReportSchedule): ReportFormValues {
  const s = report.schedule;
  const fields: Record<string, string> = {
    name: report.name,
    bucket: report.bucket,
    recipients: report.recipients.join('\n'),
    timeZone: report.timeZone,
    'schedule.kind': s.kind,
    period: typeof report.period === 'string' ? report.period : 'custom',
  };
  if (typeof report.period !== 'string') {
    fields['period.from'] = localDateTimeOf(report.timeZone, report.period.from);
    fields['period.to'] = localDateTimeOf(report.timeZone, report.period.to);
  }
  if (s.kind === 'hourly') fields['schedule.minute'] = String(s.minute);
  if (s.kind === 'daily' || s.kind === 'weekly' || s.kind === 'monthly') fields['schedule.at'] = s.at;
  if (s.kind === 'weekly') fields['schedule.dayOfWeek'] = String(s.dayOfWeek);
  if (s.kind === 'monthly') fields['schedule.dayOfMonth'] = String(s.dayOfMonth);
  if (s.kind === 'cron') fields['schedule.expression'] = s.expression;
  if (report.enabled) fields.enabled = 'on';
  return {
    fields,
    lists: {
      'scope.siteIds': [...report.scope.siteIds],
      'scope.deviceIds': [...report.scope.deviceIds],
      'scope.tagIds': [...report.scope.tagIds],
      'scope.assetIds': [...report.scope.assetIds],
      metrics: [...report.metrics],
      sections: [...report.sections],
      formats: [...report.formats],
    },
  };
}

/**
 * The form field an issue belongs to: lists show their message once beside the list
 * (`recipients.2` → `recipients`, the scope's assets → `scope.assetIds`, the rest of the scope →
 * `scope`), the schedule's and the fixed period's fields beside themselves.
 */
export function fieldOfReportIssue(path: string): string {
  const field = path.replace(/^body\.?/, '');
  if (field === '') return 'form';
  const [head = '', next] = field.split('.');
  if (head === 'scope') return next === 'assetIds' ? 'scope.assetIds' : 'scope';
  if (head === 'recipients' || head === 'metrics' || head === 'sections' || head === 'formats') return head;
  if (head === 'schedule') return next === undefined ? 'schedule.kind' : `schedule.${next}`;
  if (head === 'period') return next === 'from' || next === 'to' ? `period.${next}` : 'period';
  return head;
}

export function reportFieldErrors(
  issues: readonly { path: string; message: string }[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[fieldOfReportIssue(issue.path)] ??= issue.message;
  return errors;
}

/**
 * The scope field a 404 from saving a report is about: the API answers "asset <id> not found" (or
 * site, device, tag) for an id that was removed, or left the owner's sites, after the form was
 * loaded. Null for any other refusal (a report that is gone is not the form's fault).
 */
export function scopeFieldOfNotFound(status: number, message: string): 'scope' | 'scope.assetIds' | null {
  if (status !== 404) return null;
  const what = /^(site|device|tag|asset) \S+ not found$/.exec(message)?.[1];
  if (what === undefined) return null;
  return what === 'asset' ? 'scope.assetIds' : 'scope';
}

export function scheduleInWords(schedule: ReportScheduleTiming, t: Translator): string {
  switch (schedule.kind) {
    case 'hourly':
      return t('reports.hourlyAt', { minute: String(schedule.minute).padStart(2, '0') });
    case 'daily':
      return t('reports.dailyAt', { at: schedule.at });
    case 'weekly':
      return t('reports.weeklyAt', { day: String(schedule.dayOfWeek), at: schedule.at });
    case 'monthly':
      return t('reports.monthlyAt', { day: schedule.dayOfMonth, at: schedule.at });
    case 'cron':
      return t('reports.cronWords', { expression: schedule.expression });
  }
}

export const periodInWords = (period: ReportSchedule['period'], t: Translator): string =>
  typeof period === 'string' ? t(`reports.periodWords.${period}`) : t('reports.customPeriod');

export const periodChoices = [...relativePeriods, 'custom'] as const;

/** One site of the scope picker: its devices with their tags, then its derived tags (ADR 0053). */
export interface ScopeSite {
  site: RulePlant['sites'][number];
  devices: { device: RulePlant['devices'][number]; tags: RulePlant['tags'][number][] }[];
  derivedTags: NonNullable<RulePlant['derivedTags']>[number][];
}

/**
 * What a report may cover, site by site. A derived tag is ticked as one of `scope.tagIds`: the API
 * takes its id there like a tag's.
 */
export const reportScopeTree = (plant: RulePlant): ScopeSite[] =>
  plant.sites.map((site) => ({
    site,
    devices: plant.devices
      .filter((device) => device.siteId === site.id)
      .map((device) => ({ device, tags: plant.tags.filter((tag) => tag.deviceId === device.id) })),
    derivedTags: (plant.derivedTags ?? []).filter((tag) => tag.siteId === site.id),
  }));

/** One asset the scope picker offers: the site's tree as the API gives it, without alarm counts. */
export interface ScopeAsset {
  id: string;
  name: string;
  level: string;
  children: ScopeAsset[];
}

/** A site's areas, units and equipment, for the picker (ADR 0043: an asset covers its subtree). */
export interface ScopeAssetSite {
  siteId: string;
  assets: ScopeAsset[];
}

export const scopeAssetsOf = (nodes: readonly AssetTreeNode[]): ScopeAsset[] =>
  nodes.map(({ id, name, level, children }) => ({ id, name, level, children: scopeAssetsOf(children) }));

/** Every asset id of the trees, parents before children. */
export const scopeAssetIds = (nodes: readonly ScopeAsset[]): string[] =>
  nodes.flatMap((node) => [node.id, ...scopeAssetIds(node.children)]);

/**
 * The chosen assets each asset is covered by: an asset under a chosen one is already in the report,
 * so the picker shows it ticked and greyed with the name of its topmost chosen ancestor, and does
 * not send it (the report's tables are the same either way: each asset is reported once).
 */
export function assetsIncluded(
  nodes: readonly ScopeAsset[],
  chosen: ReadonlySet<string>,
  by: string | null = null,
  into: Map<string, string> = new Map(),
): Map<string, string> {
  for (const node of nodes) {
    if (by !== null) into.set(node.id, by);
    assetsIncluded(node.children, chosen, by ?? (chosen.has(node.id) ? node.name : null), into);
  }
  return into;
}
