// The unit catalogue (shared/src/units.ts): spellings tags arrive with, and conversions checked
// against js-quantities, an independent unit library, as the oracle.
import { convertibleUnits, convertUnit, findUnit, formatWithUnit, unitSymbol } from '@plantwatch/shared';
import Qty from 'js-quantities';
import { describe, expect, it } from 'vitest';

describe('unitSymbol', () => {
  it.each([
    ['degC', '°C'],
    ['DEGC', '°C'],
    ['m3/h', 'm³/h'],
    ['kWh', 'kW·h'],
    ['KWH', 'kW·h'],
    ['l/s', 'L/s'],
    ['bar', 'bar'],
    ['percent', '%'],
    ['uS/cm', 'µS/cm'],
  ])('writes %s as %s', (tagUnit, symbol) => {
    expect(unitSymbol(tagUnit)).toBe(symbol);
  });

  it('shows a unit it does not know as written, and never guesses across SI prefixes', () => {
    expect(unitSymbol('widgets/h')).toBe('widgets/h');
    expect(unitSymbol('  ')).toBe('');
    expect(findUnit('mW')).toBeUndefined();
    expect(findUnit('MW')?.symbol).toBe('MW');
  });
});

describe('convertUnit', () => {
  // [value, our unit, our target, the same two units in js-quantities' notation]
  it.each([
    [20, '°C', '°F', 'tempC', 'tempF'],
    [451, 'degF', 'degC', 'tempF', 'tempC'],
    [0, '°C', 'K', 'tempC', 'tempK'],
    [2.5, 'bar', 'kPa', 'bar', 'kPa'],
    [2.5, 'bar', 'psi', 'bar', 'psi'],
    [10, 'm H₂O', 'bar', 'cmH2O', 'bar'],
    [120, 'm³/h', 'L/s', 'm^3/h', 'l/s'],
    [36, 'L/s', 'ML/d', 'l/s', 'Ml/d'],
    [100, 'gpm', 'm3/h', 'gal/min', 'm^3/h'],
    [1500, 'kWh', 'MWh', 'kWh', 'MWh'],
    [3, 'kWh', 'MJ', 'kWh', 'MJ'],
    [55, 'kW', 'hp', 'kW', 'hp'],
    [12, 'ft', 'm', 'ft', 'm'],
  ] as const)('converts %f %s to %s as js-quantities does', (value, from, to, qtyFrom, qtyTo) => {
    // js-quantities takes centimetres of water; the rest in the same units as ours.
    const expected = Qty(qtyFrom === 'cmH2O' ? value * 100 : value, qtyFrom).to(qtyTo).scalar;
    const converted = convertUnit(value, from, to) ?? Number.NaN;
    // Within 50 ppm: js-quantities rounds psi to 6894.76 Pa (exactly 6894.757…) and takes a metre of
    // water as 9806.38 Pa (water at 4 °C); we use the conventional 9806.65 Pa.
    expect(Math.abs(converted - expected) / Math.abs(expected || 1)).toBeLessThan(5e-5);
  });

  it('refuses to convert between quantities or unknown units', () => {
    expect(convertUnit(1, 'bar', '°C')).toBeUndefined();
    expect(convertUnit(1, 'widgets', 'bar')).toBeUndefined();
  });

  it('offers the units of the same quantity, the tag’s own first', () => {
    const units = convertibleUnits('degC').map((unit) => unit.symbol);
    expect(units).toEqual(['°C', '°F', 'K']);
    expect(convertibleUnits('widgets')).toEqual([]);
  });
});

describe('formatWithUnit', () => {
  it('writes the value in the locale’s numbers, with the unit as people write it', () => {
    expect(formatWithUnit(2.5234, 'l/s')).toBe('2.52 L/s');
    expect(formatWithUnit(12.5, 'degC', { locale: 'pt-BR' })).toBe('12,5 °C');
    expect(formatWithUnit(true, '')).toBe('true');
    expect(formatWithUnit(null, 'bar')).toBe('—');
  });
});
