// What an alarm rule watches, in words, for the rule list's "Watches" column and the edit page:
// "Site › Device › Tag", "Site › Derived tag" (a site KPI has no device), the device or gateway for
// comm loss, and both tags of an operating-curve rule (Y judged against the curve of X; ADR 0053).
import type { AlarmRule } from '@plantwatch/shared';
import type { RulePlant } from './components/alarm-rule-form.tsx';
import type { Translator } from './i18n/translator.ts';

/** "Device › Tag", or the derived tag's name, or '' for an id the plant no longer has. */
function tagInWords(plant: RulePlant, tagId: string): string {
  const tag = plant.tags.find((t) => t.id === tagId);
  if (tag) {
    const device = plant.devices.find((d) => d.id === tag.deviceId);
    return `${device?.name ?? ''} › ${tag.name}`;
  }
  return plant.derivedTags?.find((t) => t.id === tagId)?.name ?? '';
}

export function watchedBy(rule: AlarmRule, plant: RulePlant, t: Translator): string {
  const site = plant.sites.find((s) => s.id === rule.siteId)?.name ?? '';
  if (rule.kind === 'commLoss') {
    const what =
      rule.deviceId !== null
        ? plant.devices.find((d) => d.id === rule.deviceId)?.name
        : plant.gateways.find((g) => g.id === rule.gatewayId)?.name;
    return `${site} › ${what ?? ''}`;
  }
  const watched = `${site} › ${tagInWords(plant, rule.tagId)}`;
  if (rule.kind === 'curve') {
    return t('alarmRules.watchesCurve', { y: watched, x: tagInWords(plant, rule.xTagId) });
  }
  return watched;
}
