import { describe, expect, it } from 'vitest';
import { percentile, webPagesBenchmarks } from './benchmarks/web-pages.ts';

describe('the web-pages benchmark', () => {
  it('takes the p95 by nearest rank: with nine rounds, the slowest', () => {
    expect(percentile([120, 80, 95, 300, 101, 99, 90, 85, 88], 95)).toBe(300);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
    expect(percentile([5, 1, 3], 50)).toBe(3);
  });

  it('reports the worst page against each aim, then first and warm loads per page, all from one run', () => {
    const names = webPagesBenchmarks.map((b) => b.name);
    expect(names.slice(0, 3)).toEqual(['web-pages', 'web-pages-move', 'web-pages-warm']);
    expect(names).toContain('web-pages-alarms-first-median');
    expect(names).toContain('web-pages-site-warm-p95');
    expect(names).toContain('web-pages-alarms-move-median');
    expect(names).not.toContain('web-pages-login-move-median');
    expect(webPagesBenchmarks.slice(1).every((b) => b.partOf === 'web-pages')).toBe(true);
  });
});
