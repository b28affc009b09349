export { alarmSummary as GET } from '../../../../server/alarm-summary-route.ts';
