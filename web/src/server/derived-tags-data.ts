import 'server-only';
// What the derived-tag pages read (issue 17, ADR 0039): a site's derived tags, one of them, and the
// references a formula may use there (`${device:tag}` for each tag of the site, `${key}` for each
// other derived tag), with their names and units for the editor's picker.
import { type DerivedTag, derivedTagListSchema, derivedTagSchema } from '@plantwatch/shared';
import type { FormulaChoice } from '../derived-tag-text.ts';
import { getSiteTree, query, read } from './data.ts';

export const listDerivedTags = async (siteId: string): Promise<DerivedTag[]> =>
  (await read(`/v1/derived-tags${query({ siteId })}`, derivedTagListSchema)).items;

/** Every derived tag the viewer may see, of all sites: for their units beside tags' (ADR 0053). */
export const listAllDerivedTags = async (): Promise<DerivedTag[]> =>
  (await read('/v1/derived-tags', derivedTagListSchema)).items;

export const getDerivedTag = (derivedTagId: string): Promise<DerivedTag> =>
  read(`/v1/derived-tags/${encodeURIComponent(derivedTagId)}`, derivedTagSchema);

/** The site, its derived tags and every reference a formula of the site may name. */
export async function derivedTagSite(siteId: string) {
  const [tree, derived] = await Promise.all([getSiteTree(siteId), listDerivedTags(siteId)]);
  const choices: FormulaChoice[] = [];
  for (const { devices } of tree.gateways) {
    for (const { device, tags } of devices) {
      for (const tag of tags) {
        choices.push({
          reference: `\${${device.key}:${tag.key}}`,
          label: `${device.name} › ${tag.name}`,
          unit: tag.unit,
        });
      }
    }
  }
  for (const tag of derived) {
    choices.push({ reference: `\${${tag.key}}`, label: tag.name, unit: tag.unit, derived: true });
  }
  return { site: tree.site, derived, choices };
}
