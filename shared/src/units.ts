// The unit catalogue: engineering units as people write them (°C, m³/h, bar, %, kW·h), the spellings
// PLC tags arrive with (degC, m3/h, kWh, ...), and linear conversions between units of one quantity.
// Pure data and arithmetic: the web app shows values with it, the server words SMS and e-mails with it.

export const unitQuantities = [
  'temperature',
  'pressure',
  'volumeFlow',
  'volume',
  'length',
  'power',
  'energy',
  'current',
  'voltage',
  'frequency',
  'rotation',
  'ratio',
  'concentration',
  'conductivity',
  'turbidity',
  'acidity',
  'time',
  'mass',
  'massFlow',
] as const;
export type UnitQuantity = (typeof unitQuantities)[number];

export interface UnitDefinition {
  /** As printed: °C, m³/h, kW·h. */
  symbol: string;
  quantity: UnitQuantity;
  /** value in the quantity's base unit = value × factor + offset. */
  factor: number;
  offset?: number;
  /** Other spellings tags use; matched without regard to case when unambiguous. */
  aliases: readonly string[];
}

const u = (
  symbol: string,
  quantity: UnitQuantity,
  factor: number,
  aliases: readonly string[] = [],
  offset = 0,
): UnitDefinition => ({ symbol, quantity, factor, offset, aliases });

/** Base units: K, Pa, m³/s, m³, m, W, J, A, V, Hz, rpm, ratio 1, mg/L, µS/cm, NTU, pH, s, kg, kg/s. */
export const unitCatalogue: readonly UnitDefinition[] = [
  u('°C', 'temperature', 1, ['degC', 'deg C', 'C', 'ºC', 'celsius', 'Cel'], 273.15),
  u('°F', 'temperature', 5 / 9, ['degF', 'deg F', 'F', 'ºF', 'fahrenheit'], 273.15 - (32 * 5) / 9),
  u('K', 'temperature', 1, ['kelvin']),
  u('bar', 'pressure', 100_000, ['bar(g)', 'barg', 'bar g']),
  u('mbar', 'pressure', 100, ['millibar']),
  u('Pa', 'pressure', 1, ['pascal']),
  u('kPa', 'pressure', 1000, []),
  u('MPa', 'pressure', 1_000_000, []),
  u('psi', 'pressure', 6894.757293168, ['psig', 'lbf/in2']),
  u('m H₂O', 'pressure', 9806.65, ['mH2O', 'm H2O', 'mWC', 'mwc']),
  u('m³/h', 'volumeFlow', 1 / 3600, ['m3/h', 'm^3/h', 'm3/hr', 'cmh', 'm³/hr']),
  u('m³/s', 'volumeFlow', 1, ['m3/s', 'm^3/s']),
  u('m³/d', 'volumeFlow', 1 / 86_400, ['m3/d', 'm^3/d', 'm3/day']),
  u('L/s', 'volumeFlow', 0.001, ['l/s', 'lps', 'ls-1', 'litre/s', 'liter/s']),
  u('L/min', 'volumeFlow', 0.001 / 60, ['l/min', 'lpm', 'l/m']),
  u('ML/d', 'volumeFlow', 1000 / 86_400, ['Ml/d', 'MLD', 'ml/d megalitres']),
  u('gal/min', 'volumeFlow', 0.003785411784 / 60, ['gpm', 'US gal/min', 'usgpm']),
  u('m³', 'volume', 1, ['m3', 'm^3', 'cu m']),
  u('L', 'volume', 0.001, ['l', 'litre', 'liter', 'litres']),
  u('ML', 'volume', 1000, ['Ml', 'megalitre', 'megaliter']),
  u('gal', 'volume', 0.003785411784, ['US gal', 'gallon']),
  u('m', 'length', 1, ['metre', 'meter']),
  u('cm', 'length', 0.01, []),
  u('mm', 'length', 0.001, []),
  u('ft', 'length', 0.3048, ['feet', 'foot']),
  u('in', 'length', 0.0254, ['inch', 'inches']),
  u('W', 'power', 1, ['watt']),
  u('kW', 'power', 1000, ['kw']),
  u('MW', 'power', 1_000_000, []),
  u('hp', 'power', 745.699872, ['HP', 'bhp']),
  u('W·h', 'energy', 3600, ['Wh', 'W.h', 'W h']),
  u('kW·h', 'energy', 3_600_000, ['kWh', 'kW.h', 'kW h', 'KWH', 'kwh']),
  u('MW·h', 'energy', 3_600_000_000, ['MWh', 'MW.h', 'MW h', 'MWH']),
  u('kJ', 'energy', 1000, []),
  u('MJ', 'energy', 1_000_000, []),
  u('GJ', 'energy', 1_000_000_000, []),
  u('A', 'current', 1, ['amp', 'amps', 'ampere']),
  u('mA', 'current', 0.001, ['milliamp']),
  u('V', 'voltage', 1, ['volt', 'volts']),
  u('kV', 'voltage', 1000, []),
  u('mV', 'voltage', 0.001, []),
  u('Hz', 'frequency', 1, ['hz', 'hertz']),
  u('rpm', 'rotation', 1, ['RPM', 'r/min', '1/min', 'rev/min']),
  u('%', 'ratio', 0.01, ['percent', 'pct', '% ']),
  u('mg/L', 'concentration', 1, ['mg/l', 'ppm']),
  u('µS/cm', 'conductivity', 1, ['uS/cm', 'μS/cm', 'us/cm']),
  u('mS/cm', 'conductivity', 1000, ['ms/cm']),
  u('NTU', 'turbidity', 1, ['ntu', 'FNU']),
  u('pH', 'acidity', 1, ['ph']),
  u('s', 'time', 1, ['sec', 'secs', 'second', 'seconds']),
  u('min', 'time', 60, ['mins', 'minute', 'minutes']),
  u('h', 'time', 3600, ['hr', 'hrs', 'hour', 'hours']),
  u('kg', 'mass', 1, ['kilogram']),
  u('t', 'mass', 1000, ['tonne', 'tonnes']),
  u('kg/h', 'massFlow', 1 / 3600, ['kg/hr']),
  u('t/h', 'massFlow', 1000 / 3600, ['t/hr', 'tph']),
];

const bySymbol = new Map(unitCatalogue.map((unit) => [unit.symbol, unit]));
const byAlias = new Map(unitCatalogue.flatMap((unit) => unit.aliases.map((alias) => [alias, unit] as const)));
// Lower-case spellings that name one unit only (so "mbar" works as "MBAR", but "M" never becomes "m").
const byLowerCase = (() => {
  const found = new Map<string, UnitDefinition | null>();
  for (const unit of unitCatalogue) {
    for (const spelling of [unit.symbol, ...unit.aliases]) {
      const key = spelling.toLowerCase();
      const seen = found.get(key);
      found.set(key, seen === undefined || seen === unit ? unit : null);
    }
  }
  return found;
})();

/**
 * The catalogue's unit for a tag's unit text ("degC", "m3/h", "kWh"), or undefined if it is not one we
 * know. Case is ignored only for text in one case ("KWH", "degc"): in mixed case, "mW" must never be "MW".
 */
export function findUnit(text: string | null | undefined): UnitDefinition | undefined {
  const trimmed = (text ?? '').trim();
  if (!trimmed) return undefined;
  const exact = bySymbol.get(trimmed) ?? byAlias.get(trimmed);
  if (exact) return exact;
  const oneCase = trimmed === trimmed.toUpperCase() || trimmed === trimmed.toLowerCase();
  return oneCase ? (byLowerCase.get(trimmed.toLowerCase()) ?? undefined) : undefined;
}

/** A unit as people write it: "degC" → "°C", "m3/h" → "m³/h"; text we do not know is shown as written. */
export function unitSymbol(text: string | null | undefined): string {
  return findUnit(text)?.symbol ?? (text ?? '').trim();
}

/** The units a value in `text` can be shown in (its quantity's units), the tag's own first; none if unknown. */
export function convertibleUnits(text: string | null | undefined): UnitDefinition[] {
  const unit = findUnit(text);
  if (!unit) return [];
  return [unit, ...unitCatalogue.filter((other) => other.quantity === unit.quantity && other !== unit)];
}

/**
 * The value in another unit of the same quantity ("°C" → "°F", "m³/h" → "L/s"); undefined when either
 * unit is unknown or they measure different things.
 */
export function convertUnit(value: number, from: string, to: string): number | undefined {
  const source = findUnit(from);
  const target = findUnit(to);
  if (!source || !target || source.quantity !== target.quantity) return undefined;
  if (source === target) return value;
  const base = value * source.factor + (source.offset ?? 0);
  return (base - (target.offset ?? 0)) / target.factor;
}

/**
 * A value with its unit for people, in a locale's number format: "2.52 L/s", "12,5 °C", "45 %".
 * Numbers keep at most `maximumFractionDigits` (default 2); true/false and text are shown as they are.
 */
export function formatWithUnit(
  value: number | boolean | string | null,
  unit: string | null | undefined,
  options: { locale?: string; maximumFractionDigits?: number } = {},
): string {
  if (value === null) return '—';
  const symbol = unitSymbol(unit);
  const text =
    typeof value === 'number'
      ? new Intl.NumberFormat(options.locale ?? 'en', {
          maximumFractionDigits: options.maximumFractionDigits ?? 2,
        }).format(value)
      : String(value);
  return symbol ? `${text} ${symbol}` : text;
}
