export { alarmSummaryStream as GET } from '../../../../../server/alarm-summary-route.ts';
