import {
  type AssetTreeNode,
  createReportScheduleSchema,
  type ReportSchedule,
  updateReportScheduleSchema,
} from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { englishTranslator } from './i18n/translator.ts';
import {
  assetsIncluded,
  fieldOfReportIssue,
  recipientsOf,
  reportBody,
  reportFieldErrors,
  reportFormDefaults,
  reportFormValues,
  reportScopeTree,
  scheduleInWords,
  scopeAssetIds,
  scopeAssetsOf,
  scopeFieldOfNotFound,
} from './report-form.ts';

const t = englishTranslator();

const SITE = '0193a3b0-0000-7000-8000-000000000001';
const TAG = '0193a3b0-0000-7000-8000-000000000002';

/** A form as the browser sends it: repeated names for ticked boxes. */
function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

const base: [string, string][] = [
  ['name', 'Daily energy'],
  ['scope.siteIds', SITE],
  ['scope.tagIds', TAG],
  ['period', 'last-day'],
  ['bucket', 'hour'],
  ['metrics', 'avg'],
  ['metrics', 'max'],
  ['sections', 'summary'],
  ['formats', 'pdf'],
  ['formats', 'csv'],
  ['recipients', 'a@example.com\nb@example.com, c@example.com'],
  ['enabled', 'on'],
];

describe('reportBody', () => {
  it.each([
    {
      schedule: [
        ['schedule.kind', 'hourly'],
        ['schedule.minute', '15'],
      ],
      expected: { kind: 'hourly', minute: 15 },
    },
    {
      schedule: [
        ['schedule.kind', 'daily'],
        ['schedule.at', '07:30'],
      ],
      expected: { kind: 'daily', at: '07:30' },
    },
    {
      schedule: [
        ['schedule.kind', 'weekly'],
        ['schedule.at', '06:00'],
        ['schedule.dayOfWeek', '1'],
      ],
      expected: { kind: 'weekly', at: '06:00', dayOfWeek: 1 },
    },
    {
      schedule: [
        ['schedule.kind', 'monthly'],
        ['schedule.at', '05:00'],
        ['schedule.dayOfMonth', '28'],
        ['schedule.dayOfWeek', '3'], // left over from another choice: not sent
      ],
      expected: { kind: 'monthly', at: '05:00', dayOfMonth: 28 },
    },
    {
      schedule: [
        ['schedule.kind', 'cron'],
        ['schedule.expression', '0 6 * * 1-5'],
      ],
      expected: { kind: 'cron', expression: '0 6 * * 1-5' },
    },
  ] as { schedule: [string, string][]; expected: object }[])(
    'builds a body the API accepts with a $expected.kind schedule',
    ({ schedule, expected }) => {
      const { body, fieldErrors } = reportBody(reportFormValues(form([...base, ...schedule])), 'UTC', t);
      expect(fieldErrors).toEqual({});
      expect(body).toEqual({
        name: 'Daily energy',
        scope: { siteIds: [SITE], deviceIds: [], tagIds: [TAG], assetIds: [] },
        period: 'last-day',
        bucket: 'hour',
        metrics: ['avg', 'max'],
        sections: ['summary'],
        formats: ['pdf', 'csv'],
        recipients: ['a@example.com', 'b@example.com', 'c@example.com'],
        schedule: expected,
        enabled: true,
      });
      const parsed = createReportScheduleSchema.safeParse(body);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    },
  );

  it("reads a fixed period in the report's time zone, or the organisation's when it is empty", () => {
    const fixed: [string, string][] = [
      ['period', 'custom'],
      ['period.from', '2026-07-01T00:00'],
      ['period.to', '2026-07-02T00:00'],
      ['schedule.kind', 'daily'],
    ];
    const inParis = reportBody(
      reportFormValues(form([...base, ...fixed, ['timeZone', 'Europe/Paris']])),
      'UTC',
      t,
    );
    expect(inParis.body.period).toEqual({ from: '2026-06-30T22:00:00.000Z', to: '2026-07-01T22:00:00.000Z' });
    expect(inParis.body.timeZone).toBe('Europe/Paris');
    const inTenantZone = reportBody(reportFormValues(form([...base, ...fixed])), 'America/New_York', t);
    expect(inTenantZone.body.period).toEqual({
      from: '2026-07-01T04:00:00.000Z',
      to: '2026-07-02T04:00:00.000Z',
    });
    expect(inTenantZone.body).not.toHaveProperty('timeZone');
  });

  it('says which end of a fixed period is missing', () => {
    const { fieldErrors } = reportBody(
      reportFormValues(form([...base, ['period', 'custom'], ['period.from', '2026-07-01T00:00']])),
      'UTC',
      t,
    );
    expect(fieldErrors).toEqual({ 'period.to': 'must be a date and time' });
  });

  it('sends nothing ticked as empty lists, which the schema refuses beside each list', () => {
    const { body } = reportBody(
      reportFormValues(
        form([
          ['name', 'x'],
          ['recipients', ''],
          ['schedule.kind', 'daily'],
        ]),
      ),
      'UTC',
      t,
    );
    const parsed = createReportScheduleSchema.safeParse(body);
    const issues = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    expect(reportFieldErrors(issues)).toEqual({
      scope: 'must name at least one site, asset, device or tag',
      metrics: 'must list at least one metric',
      sections: 'must list at least one section',
      formats: 'must list at least one format',
      recipients: 'must list at least one recipient',
    });
  });
});

describe('fieldOfReportIssue', () => {
  it.each([
    ['body.name', 'name'],
    ['body', 'form'],
    ['body.scope', 'scope'],
    ['body.scope.tagIds.3', 'scope'],
    ['body.scope.assetIds', 'scope.assetIds'],
    ['body.scope.assetIds.2', 'scope.assetIds'],
    ['body.recipients.2', 'recipients'],
    ['body.formats.1', 'formats'],
    ['body.schedule', 'schedule.kind'],
    ['body.schedule.expression', 'schedule.expression'],
    ['body.period', 'period'],
    ['body.period.to', 'period.to'],
    ['timeZone', 'timeZone'],
  ])('maps %s to %s', (path, field) => {
    expect(fieldOfReportIssue(path)).toBe(field);
  });
});

describe('scopeFieldOfNotFound', () => {
  it.each([
    [404, 'asset 0193a3b0-0000-7000-8000-000000000001 not found', 'scope.assetIds'],
    [404, 'tag 0193a3b0-0000-7000-8000-000000000002 not found', 'scope'],
    [404, 'device 0193a3b0-0000-7000-8000-000000000003 not found', 'scope'],
    [404, 'site 0193a3b0-0000-7000-8000-000000000004 not found', 'scope'],
    [404, 'report not found', null],
    [400, 'asset 0193a3b0-0000-7000-8000-000000000001 not found', null],
  ] as const)('puts a %i "%s" beside %s', (status, message, field) => {
    expect(scopeFieldOfNotFound(status, message)).toBe(field);
  });
});

describe('recipientsOf', () => {
  it('splits on lines, commas and semicolons and drops blanks', () => {
    expect(recipientsOf(' a@x.io ;b@x.io\n\n,c@x.io ')).toEqual(['a@x.io', 'b@x.io', 'c@x.io']);
  });
});

const saved: ReportSchedule = {
  id: '0193a3b0-0000-7000-8000-0000000000aa',
  tenantId: '0193a3b0-0000-7000-8000-0000000000bb',
  name: 'Weekly',
  scope: { siteIds: [], deviceIds: [], tagIds: [TAG], assetIds: ['0193a3b0-0000-7000-8000-0000000000cc'] },
  period: { from: '2026-01-05T08:00:00.000Z', to: '2026-01-12T08:00:00.000Z' },
  bucket: 'day',
  metrics: ['last', 'difference'],
  sections: ['table', 'alarms'],
  formats: ['xlsx'],
  recipients: ['ops@example.com', 'lead@example.com'],
  schedule: { kind: 'weekly', at: '09:15', dayOfWeek: 1 },
  timeZone: 'Asia/Tokyo',
  enabled: false,
  ownerUserId: null,
  createdBy: { type: 'user' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('reportFormDefaults → reportBody', () => {
  it.each<ReportSchedule>([
    saved,
    { ...saved, period: 'last-month', schedule: { kind: 'hourly', minute: 5 }, enabled: true },
    { ...saved, schedule: { kind: 'monthly', at: '06:00', dayOfMonth: 3 } },
    { ...saved, schedule: { kind: 'cron', expression: '30 7 * * MON' } },
  ])('prefills the edit form so saving it unchanged sends the report as it is ($schedule.kind)', (report) => {
    const { fields, lists } = reportFormDefaults(report);
    const entries: [string, string][] = [
      ...Object.entries(fields),
      ...Object.entries(lists).flatMap(([name, values]) =>
        values.map((value): [string, string] => [name, value]),
      ),
    ];
    const { body, fieldErrors } = reportBody(reportFormValues(form(entries)), 'UTC', t);
    expect(fieldErrors).toEqual({});
    expect(updateReportScheduleSchema.safeParse(body).success).toBe(true);
    const {
      name,
      scope,
      period,
      bucket,
      metrics,
      sections,
      formats,
      recipients,
      schedule,
      timeZone,
      enabled,
    } = report;
    expect(body).toEqual({
      name,
      scope,
      period,
      bucket,
      metrics,
      sections,
      formats,
      recipients,
      schedule,
      timeZone,
      enabled,
    });
  });
});

describe('scheduleInWords', () => {
  it.each([
    [{ kind: 'hourly', minute: 5 }, 'hourly at :05'],
    [{ kind: 'daily', at: '06:00' }, 'daily at 06:00'],
    [{ kind: 'weekly', at: '06:00', dayOfWeek: 1 }, 'Mondays at 06:00'],
    [{ kind: 'monthly', at: '06:00', dayOfMonth: 28 }, 'monthly on day 28 at 06:00'],
    [{ kind: 'cron', expression: '0 6 * * 1' }, 'cron 0 6 * * 1'],
  ] as const)('says %o as "%s"', (schedule, words) => {
    expect(scheduleInWords(schedule, t)).toBe(words);
  });
});

describe('the scope picker', () => {
  const id = (n: number) => `0193a3b0-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const plant = {
    sites: [
      { id: id(1), name: 'North' },
      { id: id(2), name: 'South' },
    ],
    gateways: [],
    devices: [{ id: id(3), name: 'PLC 1', siteId: id(1) }],
    tags: [{ id: id(4), name: 'Outflow', key: 'flow_out', unit: 'L/s', deviceId: id(3) }],
    derivedTags: [
      { id: id(5), name: 'Main flow balance', key: 'main_balance', unit: 'L/s', siteId: id(1) },
      { id: id(6), name: 'Specific energy', key: 'kwh_per_m3', unit: 'kWh/m3', siteId: id(2) },
    ],
  };

  it('lists each site’s devices with their tags, then its derived tags', () => {
    expect(
      reportScopeTree(plant).map(({ site, devices, derivedTags }) => [
        site.name,
        devices.map(({ device, tags }) => [device.name, tags.map((tag) => tag.key)]),
        derivedTags.map((tag) => tag.key),
      ]),
    ).toEqual([
      ['North', [['PLC 1', ['flow_out']]], ['main_balance']],
      ['South', [], ['kwh_per_m3']],
    ]);
  });

  it('sends a ticked derived tag among the scope’s tags, as the API takes it', () => {
    const values = reportFormValues(
      form([
        ...base.filter(([name]) => !name.startsWith('scope.')),
        ['scope.tagIds', id(5)],
        ['schedule.kind', 'daily'],
        ['schedule.at', '06:00'],
      ]),
    );
    const { body, fieldErrors } = reportBody(values, 'Europe/Berlin', t);
    expect(fieldErrors).toEqual({});
    expect(body.scope).toEqual({ siteIds: [], deviceIds: [], tagIds: [id(5)], assetIds: [] });
    expect(createReportScheduleSchema.safeParse(body).success).toBe(true);
  });
});

describe('the asset picker', () => {
  const id = (n: number) => `0193a3b0-0000-7000-8000-${String(n).padStart(12, '0')}`;
  const none = { critical: 0, high: 0, medium: 0, low: 0 };
  const node = (n: number, name: string, level: string, children: AssetTreeNode[] = []): AssetTreeNode => ({
    id: id(n),
    name,
    level,
    assetModelId: null,
    measurementCount: 0,
    alarms: none,
    alarmsRolledUp: none,
    children,
  });
  // the demo plant's tree, and a second area
  const tree = scopeAssetsOf([
    node(1, 'Inlet works', 'area', [
      node(2, 'Pumping', 'process', [node(3, 'Wet well', 'equipment'), node(4, 'Pump 1', 'equipment')]),
    ]),
    node(5, 'Outfall', 'area'),
  ]);

  it('offers each asset by name and level, parents before children, without alarm counts', () => {
    expect(tree[0]).toEqual({
      id: id(1),
      name: 'Inlet works',
      level: 'area',
      children: [
        {
          id: id(2),
          name: 'Pumping',
          level: 'process',
          children: [
            { id: id(3), name: 'Wet well', level: 'equipment', children: [] },
            { id: id(4), name: 'Pump 1', level: 'equipment', children: [] },
          ],
        },
      ],
    });
    expect(scopeAssetIds(tree)).toEqual([id(1), id(2), id(3), id(4), id(5)]);
  });

  it('shows everything under a ticked area as included with it, named by the topmost ticked asset', () => {
    expect(Object.fromEntries(assetsIncluded(tree, new Set([id(1), id(3)])))).toEqual({
      [id(2)]: 'Inlet works',
      [id(3)]: 'Inlet works',
      [id(4)]: 'Inlet works',
    });
    expect(Object.fromEntries(assetsIncluded(tree, new Set([id(2), id(5)])))).toEqual({
      [id(3)]: 'Pumping',
      [id(4)]: 'Pumping',
    });
    expect(assetsIncluded(tree, new Set()).size).toBe(0);
  });

  it('sends ticked assets as the scope’s assetIds, which the API takes alone', () => {
    const values = reportFormValues(
      form([
        ...base.filter(([name]) => !name.startsWith('scope.')),
        ['scope.assetIds', id(1)],
        ['schedule.kind', 'daily'],
        ['schedule.at', '06:00'],
      ]),
    );
    const { body, fieldErrors } = reportBody(values, 'UTC', t);
    expect(fieldErrors).toEqual({});
    expect(body.scope).toEqual({ siteIds: [], deviceIds: [], tagIds: [], assetIds: [id(1)] });
    expect(createReportScheduleSchema.safeParse(body).success).toBe(true);
  });
});
