import { describe, expect, it } from 'vitest';
import { displayUnit, parseUnitPreferences } from './display.ts';

describe('displayUnit', () => {
  it('shows the tag’s own unit as people write it when no other is chosen', () => {
    const shown = displayUnit('degC', {});
    expect(shown.unit).toBe('°C');
    expect(shown.convert(21.5)).toBe(21.5);
  });

  it('converts to the unit chosen for the quantity', () => {
    const shown = displayUnit('m3/h', { volumeFlow: 'L/s' });
    expect(shown.unit).toBe('L/s');
    expect(shown.convert(36)).toBeCloseTo(10, 9);
    expect(displayUnit('degC', { temperature: '°F' }).convert(100)).toBeCloseTo(212, 9);
  });

  it('leaves units it does not know alone', () => {
    const shown = displayUnit('NTU-ish', { temperature: '°F' });
    expect(shown.unit).toBe('NTU-ish');
    expect(shown.convert(3)).toBe(3);
  });
});

describe('parseUnitPreferences', () => {
  it('keeps only known quantities with a unit of that quantity', () => {
    expect(
      parseUnitPreferences(
        JSON.stringify({ temperature: '°F', pressure: '°C', colour: 'red', volumeFlow: 'L/s' }),
      ),
    ).toEqual({ temperature: '°F', volumeFlow: 'L/s' });
    expect(parseUnitPreferences('not json')).toEqual({});
    expect(parseUnitPreferences(undefined)).toEqual({});
  });
});
