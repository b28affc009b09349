// The report section `alarmKpis` (ADR 0049): the alarm system's ISA-18.2 figures over the report's
// period, each beside its target, and the alarms behind them; in the PDF and as an XLSX sheet.
import type { AlarmKpis } from '@plantwatch/shared';
import type { Workbook } from 'exceljs';
import { COLORS, CONTENT_WIDTH, type Doc, drawTable, heading } from './pdf-layout.ts';

type Verdict = 'meets target' | 'manageable' | 'over target' | '';

/** Each figure, its value as text, the ISA-18.2 target (in words: the PDF's standard fonts have no ≤) and the judgement. */
export function alarmKpiRows(kpis: AlarmKpis): [string, string, string, Verdict][] {
  const { total, targets } = kpis;
  const atMost = (value: number, target: number): Verdict =>
    value <= target ? 'meets target' : 'over target';
  const seconds = (value: number | null) => (value === null ? '–' : `${value} s`);
  return [
    [
      'Alarms per 10 minutes (average)',
      String(total.averagePer10Min),
      `at most ${targets.averagePer10Min} acceptable, ${targets.averagePer10MinManageable} manageable`,
      total.averagePer10Min <= targets.averagePer10Min
        ? 'meets target'
        : total.averagePer10Min <= targets.averagePer10MinManageable
          ? 'manageable'
          : 'over target',
    ],
    [
      'Most alarms in one 10 minutes',
      String(total.peakPer10Min),
      `at most ${targets.peakPer10Min}`,
      atMost(total.peakPer10Min, targets.peakPer10Min),
    ],
    [
      'Time in flood (> 10 alarms in 10 minutes)',
      `${total.floodPercent} % (${total.floodIntervals} intervals)`,
      `under ${targets.floodPercent} % of the time`,
      total.floodPercent < targets.floodPercent ? 'meets target' : 'over target',
    ],
    [
      'Share of alarms from the 10 most frequent',
      `${kpis.topTenPercent} %`,
      `at most 1–${targets.topTenPercent} %`,
      atMost(kpis.topTenPercent, targets.topTenPercent),
    ],
    ['Chattering alarms', String(kpis.chattering.length), 'none', atMost(kpis.chattering.length, 0)],
    ['Stale alarms (active > 24 h)', String(kpis.stale.length), 'none', atMost(kpis.stale.length, 0)],
    [
      'Time to acknowledge (median, p90)',
      `${seconds(kpis.acknowledge.medianSeconds)}, ${seconds(kpis.acknowledge.p90Seconds)} (${kpis.acknowledge.acknowledged} of ${kpis.acknowledge.raises})`,
      'set by the site',
      '',
    ],
  ];
}

export function alarmKpiPdfSection(doc: Doc, kpis: AlarmKpis): void {
  heading(doc, 'Alarm-system KPIs (ISA-18.2)');
  doc.font('Helvetica').fontSize(9).fillColor(COLORS.muted);
  doc.text(
    'Targets are per operator position; each site counts as one. All sites together is the load of one person watching them all.',
  );
  doc.moveDown(0.4);
  drawTable(
    doc,
    [
      { header: 'Measure', width: CONTENT_WIDTH - 330 },
      { header: 'Value', width: 130, align: 'right' },
      { header: 'Target', width: 130 },
      { header: 'Judgement', width: 70 },
    ],
    alarmKpiRows(kpis),
    'Alarm-system KPIs',
  );
  doc.moveDown(0.6);
  heading(doc, 'By site', 10);
  drawTable(
    doc,
    [
      { header: 'Site', width: CONTENT_WIDTH - 280 },
      { header: 'Alarms', width: 60, align: 'right' },
      { header: 'Per 10 min', width: 70, align: 'right' },
      { header: 'Peak 10 min', width: 70, align: 'right' },
      { header: 'In flood', width: 80, align: 'right' },
    ],
    kpis.sites.map((site) => [
      site.name,
      String(site.raises),
      String(site.averagePer10Min),
      String(site.peakPer10Min),
      `${site.floodPercent} %`,
    ]),
    'Alarm KPIs by site',
  );
  const lists: [string, string[][]][] = [
    ['Top 10 alarms', kpis.topAlarms.map((a) => [a.name, `${a.raises} raises, ${a.percentOfRaises} %`])],
    ['Chattering alarms', kpis.chattering.map((a) => [a.name, `${a.episodes} runs, ${a.raises} raises`])],
    ['Stale alarms', kpis.stale.map((a) => [a.name, `active ${a.hours} h`])],
  ];
  for (const [title, rows] of lists) {
    if (rows.length === 0) continue;
    doc.moveDown(0.6);
    heading(doc, title, 10);
    drawTable(
      doc,
      [
        { header: 'Alarm', width: CONTENT_WIDTH - 180 },
        { header: '', width: 180, align: 'right' },
      ],
      rows,
      title,
    );
  }
}

export function addAlarmKpiSheet(workbook: Workbook, name: string, kpis: AlarmKpis): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: 'Measure', key: 'measure', width: 40 },
    { header: 'Value', key: 'value', width: 28 },
    { header: 'ISA-18.2 target', key: 'target', width: 30 },
    { header: 'Judgement', key: 'verdict', width: 14 },
  ];
  for (const [measure, value, target, verdict] of alarmKpiRows(kpis)) {
    sheet.addRow({ measure, value, target, verdict });
  }
  sheet.getRow(1).font = { bold: true };
  sheet.addRow([]);
  sheet.addRow(['Site', 'Alarms', 'Per 10 min (average)', 'Peak in 10 min', 'Time in flood (%)']).font = {
    bold: true,
  };
  for (const site of kpis.sites) {
    sheet.addRow([site.name, site.raises, site.averagePer10Min, site.peakPer10Min, site.floodPercent]);
  }
  sheet.addRow([]);
  sheet.addRow(['Top 10 alarms', 'Raises', 'Share of all (%)']).font = { bold: true };
  for (const alarm of kpis.topAlarms) sheet.addRow([alarm.name, alarm.raises, alarm.percentOfRaises]);
  sheet.addRow([]);
  sheet.addRow(['Chattering alarms', 'Runs', 'Raises']).font = { bold: true };
  for (const alarm of kpis.chattering) sheet.addRow([alarm.name, alarm.episodes, alarm.raises]);
  sheet.addRow([]);
  sheet.addRow(['Stale alarms', 'Active since', 'Hours active']).font = { bold: true };
  for (const alarm of kpis.stale) sheet.addRow([alarm.name, alarm.activeSince, alarm.hours]);
}
