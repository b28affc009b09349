// Between the model propagation page and the API (issue 21, ADR 0043): a conflict's choice as one
// form value ("assetId|measurement|action|to", each part URL-encoded) and back. Pure, tested without
// a browser.
import type { PropagationResolution } from '@plantwatch/shared';

export function resolutionValue(resolution: PropagationResolution): string {
  const to = resolution.action === 'renameTo' ? resolution.to : '';
  return [resolution.assetId, resolution.measurement, resolution.action, to]
    .map(encodeURIComponent)
    .join('|');
}

/** The choices sent (empty values: not chosen yet); anything unreadable is left out. */
export function resolutionsOf(values: readonly string[]): PropagationResolution[] {
  return values.flatMap((value): PropagationResolution[] => {
    const [assetId, measurement, action, to] = value.split('|').map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return '';
      }
    });
    if (!assetId || !measurement) return [];
    if (action === 'remove' || action === 'keep') return [{ assetId, measurement, action }];
    if (action === 'renameTo' && to) return [{ assetId, measurement, action, to }];
    return [];
  });
}
