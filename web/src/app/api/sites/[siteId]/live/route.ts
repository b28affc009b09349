export { siteLive as GET } from '../../../../../server/live.ts';
