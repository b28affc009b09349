import { describe, expect, it } from 'vitest';
import {
  type Benchmark,
  type BenchResult,
  formatResultLine,
  formatResultTable,
  median,
  round,
  selectBenchmarks,
  UnknownBenchmarkError,
  withBaseline,
} from './harness.ts';

const bench = (name: string): Benchmark => ({
  name,
  description: `${name} description`,
  run: async () => ({ value: 1, unit: 'ops/s' }),
});
const registry = [bench('api-reads'), bench('ingest'), bench('alarms')];

describe('selectBenchmarks', () => {
  it('runs every benchmark in registry order when no name is given', () => {
    expect(selectBenchmarks(registry, []).map((b) => b.name)).toEqual(['api-reads', 'ingest', 'alarms']);
  });

  it('runs only the named benchmarks, in the order given, each once', () => {
    expect(selectBenchmarks(registry, ['alarms', 'api-reads', 'alarms']).map((b) => b.name)).toEqual([
      'alarms',
      'api-reads',
    ]);
  });

  it('refuses an unknown name and lists the available ones', () => {
    let caught: unknown;
    try {
      selectBenchmarks(registry, ['ingest', 'api-writes']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnknownBenchmarkError);
    const message = (caught as Error).message;
    expect(message).toContain('unknown benchmark: api-writes');
    for (const name of ['api-reads', 'ingest', 'alarms']) expect(message).toContain(name);
  });
});

describe('median', () => {
  it('takes the middle value of an odd count regardless of order', () => {
    expect(median([30, 10, 20])).toBe(20);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('withBaseline', () => {
  it('gives the ratio to the baseline to 3 decimals', () => {
    expect(withBaseline(514, 'req/s', 38_170)).toEqual({
      value: 514,
      unit: 'req/s',
      baseline: 38_170,
      ratio: 0.013,
    });
    expect(round(2 / 3, 3)).toBe(0.667);
  });

  it('refuses a baseline of zero, which would make the ratio meaningless', () => {
    expect(() => withBaseline(1, 'req/s', 0)).toThrow(RangeError);
  });
});

describe('formatResultLine', () => {
  it('is one JSON object with one key per benchmark, baseline and ratio only where measured', () => {
    const results = new Map<string, BenchResult>([
      ['api-reads', { value: 500, unit: 'req/s', baseline: 1000, ratio: 0.5 }],
      ['ingest', { value: 12, unit: 'MB/s' }],
    ]);
    const line = formatResultLine(results);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      'api-reads': { value: 500, unit: 'req/s', baseline: 1000, ratio: 0.5 },
      ingest: { value: 12, unit: 'MB/s' },
    });
  });

  it('is an empty object when nothing ran', () => {
    expect(formatResultLine(new Map())).toBe('{}');
  });
});

describe('formatResultTable', () => {
  it('has a header and one aligned row per benchmark', () => {
    const table = formatResultTable(
      new Map<string, BenchResult>([
        ['api-reads', { value: 500, unit: 'req/s', baseline: 1000, ratio: 0.5 }],
        ['ingest', { value: 12, unit: 'MB/s' }],
      ]),
    ).split('\n');
    expect(table).toHaveLength(3);
    expect(table[0]).toMatch(/^benchmark\s+value\s+baseline\s+ratio$/);
    expect(table[1]).toMatch(/^api-reads\s+500 req\/s\s+1000 req\/s\s+0\.5$/);
    expect(table[2]).toMatch(/^ingest\s+12 MB\/s\s+-\s+-$/);
  });
});
