export { series as GET } from '../../../server/live.ts';
