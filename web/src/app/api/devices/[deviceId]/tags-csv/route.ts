export { tagsCsv as GET } from '../../../../../server/tag-export.ts';
