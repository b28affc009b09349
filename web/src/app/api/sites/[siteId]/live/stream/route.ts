export { siteLiveStream as GET } from '../../../../../../server/live.ts';
