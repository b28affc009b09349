import { describe, expect, it } from 'vitest';
import { resolutionsOf, resolutionValue } from './propagation-form.ts';

const ASSET = '0193a3b0-0000-7000-8000-0000000000aa';

describe('a conflict choice as a form value', () => {
  it('round-trips every action, names with "|" and spaces included', () => {
    const choices = [
      { assetId: ASSET, measurement: 'Running', action: 'remove' as const },
      { assetId: ASSET, measurement: 'Fault | trip', action: 'keep' as const },
      { assetId: ASSET, measurement: 'Fault', action: 'renameTo' as const, to: 'Trip 1/2' },
    ];
    expect(resolutionsOf(choices.map(resolutionValue))).toEqual(choices);
  });

  it('leaves out a choice not made and anything unreadable', () => {
    expect(
      resolutionsOf(['', `${ASSET}|Fault|renameTo|`, `${ASSET}|Fault|explode|`, '%E0%A4%A|x|remove|']),
    ).toEqual([]);
  });
});
