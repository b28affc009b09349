export { reportFile as GET } from '../../../server/reports-data.ts';
