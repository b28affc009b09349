import { describe, expect, it } from 'vitest';
import { percentile, queryBenchmarks } from './benchmarks/queries.ts';

describe('percentile', () => {
  it('takes the nearest rank: the 990th of 1,000 sorted samples is their p99', () => {
    const samples = Array.from({ length: 1_000 }, (_, i) => 1_000 - i);
    expect(percentile(samples, 0.99)).toBe(990);
    expect(percentile(samples, 0.5)).toBe(500);
  });

  it('gives the only sample of one', () => {
    expect(percentile([7.5], 0.99)).toBe(7.5);
  });
});

describe('query benchmarks', () => {
  it('report every query at every size in process and through HTTP, plus the 2,500-against-25 figure', () => {
    const names = queryBenchmarks.map((b) => b.name);
    for (const tags of [25, 250, 2_500]) {
      for (const query of ['day-raw', 'latest', '30d-hourly']) {
        expect(names).toContain(`query-${query}-${tags}`);
        expect(names).toContain(`query-${query}-${tags}-http`);
      }
    }
    expect(names).toContain('query-day-raw-scaling');
    expect(new Set(names).size).toBe(names.length);
  });
});
