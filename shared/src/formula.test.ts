// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
import { describe, expect, it } from 'vitest';
import { compileFormula, derivedTagOrder, FormulaError, type FormulaInput } from './formula.ts';

const good = (value: number | boolean | string): FormulaInput => ({ value, quality: 'good' });

describe('compileFormula: evaluation', () => {
  const cases: { formula: string; inputs: (FormulaInput | undefined)[]; value: number }[] = [
    { formula: '${inlet:flow} - ${outlet:flow}', inputs: [good(120), good(117.5)], value: 2.5 },
    { formula: '${pump1:kW} / ${pump1:flow}', inputs: [good(30), good(120)], value: 0.25 },
    { formula: '2 + 3 * 4', inputs: [], value: 14 },
    { formula: '(2 + 3) * 4', inputs: [], value: 20 },
    { formula: '2 ** 3 ** 2', inputs: [], value: 512 },
    { formula: '-${a:x} + +1', inputs: [good(4)], value: -3 },
    { formula: '${a:x} % 3', inputs: [good(10)], value: 1 },
    { formula: 'min(${a:x}, ${b:x}, 7)', inputs: [good(9), good(8)], value: 7 },
    { formula: 'max(${a:x}, ${b:x})', inputs: [good(9), good(8)], value: 9 },
    { formula: 'abs(${a:x} - ${b:x})', inputs: [good(3), good(8)], value: 5 },
    { formula: 'avg(${a:x}, ${b:x}, ${c:x})', inputs: [good(1), good(2), good(6)], value: 3 },
    { formula: '${a:x} > 5 ? 1 : 0', inputs: [good(6)], value: 1 },
    { formula: '${a:x} > 5 ? 1 : 0', inputs: [good(5)], value: 0 },
    { formula: '${a:x} >= 5 && ${b:x} < 2', inputs: [good(5), good(1)], value: 1 },
    { formula: '${a:x} == 5 || !${b:run}', inputs: [good(4), good(false)], value: 1 },
    { formula: '${a:run} * ${a:x}', inputs: [good(true), good(12)], value: 12 },
    { formula: '${a:x} != 5', inputs: [good(5)], value: 0 },
    { formula: '${ tank-1.v2 : level_m } * 2', inputs: [good(1.5)], value: 3 },
    { formula: '${a:x} + ${a:x}', inputs: [good(2)], value: 4 },
    { formula: '${balance} * 100', inputs: [good(0.02)], value: 2 },
    { formula: '${a:x} - ${a:x}', inputs: [good(-3)], value: 0 },
  ];
  it.each(cases)('$formula → $value', ({ formula, inputs, value }) => {
    expect(compileFormula(formula).evaluate(inputs)).toEqual({ value, quality: 'good' });
  });

  it('lists each reference once, in order, telling tags from derived tags', () => {
    expect(compileFormula('${a:x} + ${kpi} * ${a:x} - ${b.1:y-2}').references).toEqual([
      { kind: 'tag', deviceKey: 'a', tagKey: 'x', text: '${a:x}' },
      { kind: 'derived', key: 'kpi', text: '${kpi}' },
      { kind: 'tag', deviceKey: 'b.1', tagKey: 'y-2', text: '${b.1:y-2}' },
    ]);
  });
});

describe('compileFormula: quality', () => {
  const cases: {
    name: string;
    formula: string;
    inputs: (FormulaInput | undefined)[];
    quality: 'good' | 'uncertain' | 'bad';
    reason?: RegExp;
  }[] = [
    { name: 'all good', formula: '${a:x} + ${b:x}', inputs: [good(1), good(2)], quality: 'good' },
    {
      name: 'one uncertain',
      formula: '${a:x} + ${b:x}',
      inputs: [good(1), { value: 2, quality: 'uncertain' }],
      quality: 'uncertain',
    },
    {
      name: 'one bad among uncertain',
      formula: '${a:x} + ${b:x}',
      inputs: [
        { value: 1, quality: 'uncertain' },
        { value: 2, quality: 'bad' },
      ],
      quality: 'bad',
      reason: /\$\{b:x\} is bad quality/,
    },
    {
      name: 'a bad input the condition does not pick',
      formula: '1 > 0 ? ${a:x} : ${b:x}',
      inputs: [good(1), { value: 2, quality: 'bad' }],
      quality: 'bad',
      reason: /\$\{b:x\} is bad/,
    },
    {
      name: 'an input with no value yet',
      formula: '${a:x} + ${b:x}',
      inputs: [good(1), undefined],
      quality: 'bad',
      reason: /\$\{b:x\} has no value yet/,
    },
    {
      name: 'a text input',
      formula: '${a:x} * 2',
      inputs: [good('OPEN')],
      quality: 'bad',
      reason: /is text/,
    },
    {
      name: 'divide by zero',
      formula: '${a:x} / ${b:x}',
      inputs: [good(1), good(0)],
      quality: 'bad',
      reason: /division by zero/,
    },
    {
      name: 'modulo zero',
      formula: '${a:x} % 0',
      inputs: [good(1)],
      quality: 'bad',
      reason: /division by zero/,
    },
    {
      name: 'overflow',
      formula: '${a:x} ** 400',
      inputs: [good(10)],
      quality: 'bad',
      reason: /Infinity, not a finite number/,
    },
    {
      name: 'NaN',
      formula: '(${a:x} - 1) ** 0.5',
      inputs: [good(0)],
      quality: 'bad',
      reason: /NaN/,
    },
  ];
  it.each(cases)('$name → $quality', ({ formula, inputs, quality, reason }) => {
    const result = compileFormula(formula).evaluate(inputs);
    expect(result.quality).toBe(quality);
    if (result.quality === 'bad') {
      expect(result.value).toBeNull();
      expect(result.reason).toMatch(reason ?? /./);
    } else {
      expect(typeof result.value).toBe('number');
    }
  });
});

describe('compileFormula: refusals', () => {
  const cases: { formula: string; message: RegExp }[] = [
    { formula: '', message: /empty/ },
    { formula: 'x'.repeat(2001), message: /longer than 2000/ },
    { formula: '${a:x} +', message: /does not parse/ },
    { formula: '${a:x', message: /not \$\{device:tag\}/ },
    { formula: '${a:x:y}', message: /not \$\{device:tag\}/ },
    { formula: '${-a:x}', message: /not \$\{device:tag\}/ },
    { formula: 'flow * 2', message: /unknown name "flow"/ },
    { formula: 'constructor', message: /unknown name "constructor"/ },
    { formula: '__proto__.polluted', message: /member syntax is not allowed/ },
    { formula: '${a:x}.constructor', message: /member syntax is not allowed/ },
    { formula: '${a:x}["__proto__"]', message: /member syntax is not allowed/ },
    { formula: 'sqrt(${a:x})', message: /unknown function "sqrt": only min, max, abs, avg/ },
    { formula: 'Math.max(1, 2)', message: /unknown function: only/ },
    { formula: 'abs(1, 2)', message: /exactly one argument/ },
    { formula: 'max()', message: /at least one argument/ },
    { formula: '"text"', message: /"text" is not a number/ },
    { formula: 'null', message: /null is not a number/ },
    { formula: '${a:x} | 1', message: /operator "\|" is not allowed/ },
    { formula: '~${a:x}', message: /operator "~" is not allowed/ },
    { formula: '[1, 2]', message: /array syntax is not allowed/ },
    { formula: 'this', message: /this syntax is not allowed/ },
    { formula: '1; 2', message: /one expression/ },
    { formula: '${a:x} = 2', message: /not allowed|does not parse/ },
    { formula: `${'-('.repeat(70)}1${')'.repeat(70)}`, message: /deeper than 64/ },
    {
      formula: Array.from({ length: 51 }, (_, i) => `\${d:t${i}}`).join('+'),
      message: /more than 50 tags/,
    },
  ];
  it.each(cases)('refuses $formula', ({ formula, message }) => {
    expect(() => compileFormula(formula)).toThrow(FormulaError);
    expect(() => compileFormula(formula)).toThrow(message);
  });

  it('leaves Object.prototype alone whatever the formula says', () => {
    for (const formula of ['__proto__', 'constructor.prototype', '${a:x}.__proto__.x = 1']) {
      expect(() => compileFormula(formula)).toThrow(FormulaError);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('derivedTagOrder', () => {
  const cases: { name: string; graph: Record<string, string[]>; order?: string[]; cycle?: string[] }[] = [
    { name: 'independent tags', graph: { b: [], a: [] }, order: ['a', 'b'] },
    { name: 'inputs first', graph: { total: ['half'], half: [] }, order: ['half', 'total'] },
    { name: 'a chain', graph: { c: ['b'], b: ['a'], a: [] }, order: ['a', 'b', 'c'] },
    { name: 'unknown keys ignored', graph: { a: ['missing'] }, order: ['a'] },
    { name: 'a self-reference', graph: { a: ['a'] }, cycle: ['a', 'a'] },
    { name: 'a two-cycle', graph: { a: ['b'], b: ['a'] }, cycle: ['a', 'b', 'a'] },
    { name: 'a cycle after a chain', graph: { a: ['b'], b: ['c'], c: ['b'] }, cycle: ['b', 'c', 'b'] },
  ];
  it.each(cases)('$name', ({ graph, order, cycle }) => {
    const result = derivedTagOrder(new Map(Object.entries(graph)));
    expect(result).toEqual(order ? { order } : { cycle });
  });
});
