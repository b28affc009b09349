import 'server-only';
// The alarm-system KPIs (ADR 0049) the KPI page shows, for one site or every site the viewer sees.
import { type AlarmKpis, alarmKpisSchema } from '@plantwatch/shared';
import { query, read } from './data.ts';

export const getAlarmKpis = (range: {
  from: string;
  to: string;
  siteId?: string | undefined;
}): Promise<AlarmKpis> => read(`/v1/alarm-kpis${query(range)}`, alarmKpisSchema);
