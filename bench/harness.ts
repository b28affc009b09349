// The pure parts of the benchmark runner: which benchmarks to run, statistics, and the result line
// whose shape DESIGN.md fixes: {"<bench>": {"value": n, "unit": "...", "baseline": n, "ratio": n}}.

export interface BenchResult {
  value: number;
  unit: string;
  /** The same quantity for a reference measured in the same run (e.g. a route doing no work). */
  baseline?: number;
  /** value / baseline, rounded to 3 decimals. */
  ratio?: number;
}

export interface Benchmark {
  /** Kebab-case, as typed after `npm run bench --`. */
  name: string;
  description: string;
  /** Figures of the same run as the named benchmark: `npm run bench -- <partOf>` reports them too. */
  partOf?: string;
  run(): Promise<BenchResult>;
}

/** Thrown for a command line naming no known benchmark; the runner exits 2 with this message. */
export class UnknownBenchmarkError extends Error {
  constructor(unknown: string[], available: readonly Benchmark[]) {
    const list = available.map((b) => `  ${b.name.padEnd(16)} ${b.description}`).join('\n');
    super(
      `unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\navailable benchmarks:\n${list}\n` +
        'usage: npm run bench [-- <name> ...]',
    );
    this.name = 'UnknownBenchmarkError';
  }
}

/** No names: every benchmark, in registry order. Names: those, in the order given, each once. */
export function selectBenchmarks(available: readonly Benchmark[], names: readonly string[]): Benchmark[] {
  if (names.length === 0) return [...available];
  const unknown = names.filter((name) => !available.some((b) => b.name === name));
  if (unknown.length > 0) throw new UnknownBenchmarkError(unknown, available);
  return [...new Set(names)].map((name) => available.find((b) => b.name === name) as Benchmark);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** A result with a same-run baseline; ratio = value / baseline to 3 decimals. */
export function withBaseline(value: number, unit: string, baseline: number): BenchResult {
  if (!(baseline > 0)) throw new RangeError(`baseline must be positive, got ${baseline}`);
  return { value, unit, baseline, ratio: round(value / baseline, 3) };
}

/** The runner's last line of output: one JSON object, one key per benchmark that ran. */
export function formatResultLine(results: ReadonlyMap<string, BenchResult>): string {
  const line: Record<string, BenchResult> = {};
  for (const [name, result] of results) {
    line[name] = {
      value: result.value,
      unit: result.unit,
      ...(result.baseline !== undefined ? { baseline: result.baseline } : {}),
      ...(result.ratio !== undefined ? { ratio: result.ratio } : {}),
    };
  }
  return JSON.stringify(line);
}

/** A short human table of the same results (one row per benchmark). */
export function formatResultTable(results: ReadonlyMap<string, BenchResult>): string {
  const rows = [...results].map(([name, r]) => [
    name,
    `${r.value} ${r.unit}`,
    r.baseline !== undefined ? `${r.baseline} ${r.unit}` : '-',
    r.ratio !== undefined ? String(r.ratio) : '-',
  ]);
  const header = ['benchmark', 'value', 'baseline', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}

/** Progress for people watching: stderr, so stdout stays the table and the result line. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
