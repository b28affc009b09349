// `npm run bench [-- <name> ...]`: runs the benchmarks and ends stdout with one JSON line,
// {"<bench>": {"value", "unit", "baseline"?, "ratio"?}}. Progress goes to stderr.
// Exit codes: 0 all ran, 1 a benchmark failed (the line holds the ones that ran), 2 bad arguments.
import { benchmarks } from './benchmarks/index.ts';
import {
  type BenchResult,
  formatResultLine,
  formatResultTable,
  progress,
  selectBenchmarks,
  UnknownBenchmarkError,
} from './harness.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h') || args.includes('--list')) {
  process.stdout.write(
    `usage: npm run bench [-- <name> ...]\n${benchmarks.map((b) => `  ${b.name.padEnd(16)} ${b.description}`).join('\n')}\n`,
  );
  process.exit(0);
}

// A group name (e.g. "reports") stands for every benchmark named "<group>-…"; a benchmark's name
// brings the figures that are part of its run (e.g. "gateway": its CPU, memory and start-up).
const names = args.flatMap((arg) => {
  if (benchmarks.some((b) => b.name === arg))
    return [arg, ...benchmarks.filter((b) => b.partOf === arg).map((b) => b.name)];
  const group = benchmarks.filter((b) => b.name.startsWith(`${arg}-`)).map((b) => b.name);
  return group.length > 0 ? group : [arg];
});

let selected: ReturnType<typeof selectBenchmarks>;
try {
  selected = selectBenchmarks(benchmarks, names);
} catch (error) {
  if (!(error instanceof UnknownBenchmarkError)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(2);
}

const results = new Map<string, BenchResult>();
const failed: string[] = [];
for (const benchmark of selected) {
  const started = performance.now();
  progress(`bench: ${benchmark.name} — ${benchmark.description}`);
  try {
    results.set(benchmark.name, await benchmark.run());
    progress(`bench: ${benchmark.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed.push(benchmark.name);
    progress(
      `bench: ${benchmark.name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}

if (results.size > 0) process.stdout.write(`${formatResultTable(results)}\n`);
process.stdout.write(`${formatResultLine(results)}\n`);
if (failed.length > 0) {
  progress(`bench: ${failed.length} of ${selected.length} failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
