// Import-circle check (DESIGN.md: "no import circles, checked in CI"), built on madge.
//
//   npm run check:cycles                    the project's source folders (after a self-test, below)
//   node scripts/check-cycles.ts <path>...  only the given files or folders
//
// Every import counts: `import type`, re-exports and dynamic `import()` included, since a circle of
// types is still a circle in the design. Specifiers resolve the way tsc resolves them (the root
// tsconfig.base.json: `./x.ts` specifiers, `@plantwatch/*` workspace packages through their exports).
// Exit codes: 0 no circle; 1 a circle, or an import the check could not follow (it would be blind
// there); 2 bad arguments, or the self-test failed: the checker no longer sees the circle of its
// fixture, so a green result would mean nothing.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

interface MadgeResult {
  obj(): Record<string, string[]>;
  circular(): string[][];
  warnings(): { skipped: string[] };
}
type Madge = (paths: string[], config: Record<string, unknown>) => Promise<MadgeResult>;

const madge: Madge = createRequire(import.meta.url)('madge');

const repoRoot = path.resolve(import.meta.dirname, '..');

/** What `npm run check:cycles` checks (issue 11). */
export const projectSourceFolders = [
  'functions/src',
  'edge-gateway/src',
  'shared/src',
  'web/src',
  'infra/local/src',
  'infra/aws/src',
  'infra/aws/bin',
];

const fixtureFolder = 'scripts/fixtures/import-graph';
const expectedFixtureCircle = ['device.ts', 'tag.ts', 'site.ts'];

export interface ImportGraphCheck {
  /** Modules seen, relative to the repository root. */
  modules: number;
  imports: number;
  /** Each circle as the modules on it, in import order; the last imports the first. */
  circles: string[][];
  /** Imports that resolved to nothing, or a workspace import that did not resolve into its package. */
  unresolved: string[];
}

export async function checkImportGraph(
  paths: readonly string[],
  options: { exclude?: readonly RegExp[] } = {},
): Promise<ImportGraphCheck> {
  const missing = paths.filter((p) => !existsSync(path.resolve(repoRoot, p)));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  const typeAndDynamicImportsCount = { skipTypeImports: false, skipAsyncImports: false };
  const result = await madge(
    paths.map((p) => path.resolve(repoRoot, p)),
    {
      baseDir: repoRoot,
      fileExtensions: ['ts', 'tsx'],
      tsConfig: path.join(repoRoot, 'tsconfig.base.json'),
      excludeRegExp: [/(^|\/)node_modules\//, ...(options.exclude ?? [])],
      detectiveOptions: { ts: typeAndDynamicImportsCount, tsx: typeAndDynamicImportsCount },
    },
  );
  const graph = result.obj();
  return {
    modules: Object.keys(graph).length,
    imports: Object.values(graph).reduce((sum, deps) => sum + deps.length, 0),
    circles: result.circular(),
    unresolved: [...importsToNoFile(graph, result.warnings().skipped), ...workspaceImportsNotFollowed(graph)],
  };
}

// madge names an import that resolves to no file by its specifier alone; name the modules too.
function importsToNoFile(graph: Record<string, string[]>, specifiers: readonly string[]): string[] {
  const sources = Object.keys(graph)
    .filter((module) => /\.tsx?$/.test(module))
    .map((module) => ({ module, source: readFileSync(path.join(repoRoot, module), 'utf8') }));
  return specifiers.flatMap((specifier) => {
    const importers = sources.filter(
      ({ module, source }) =>
        (source.includes(`'${specifier}'`) || source.includes(`"${specifier}"`)) &&
        // the same relative specifier may well resolve from another folder
        !(specifier.startsWith('.') && existsSync(path.resolve(repoRoot, path.dirname(module), specifier))),
    );
    if (importers.length === 0) return [`${specifier} resolves to no file`];
    return importers.map(({ module }) => `${module}: ${specifier} resolves to no file`);
  });
}

// madge drops an import that resolves into node_modules as a third-party package. A workspace
// package reached through its node_modules link instead of its real folder would vanish that way,
// silently hiding any circle through it; so every `@plantwatch/...` import must show up as an edge
// into the package's folder.
function workspaceImportsNotFollowed(graph: Record<string, string[]>): string[] {
  const folderOf = workspaceFolders();
  const specifiers = /(?:\bfrom|\bimport)\s*\(?\s*['"](@plantwatch\/[^/'"]+)[^'"]*['"]/g;
  const problems: string[] = [];
  for (const [module, deps] of Object.entries(graph)) {
    if (!/\.tsx?$/.test(module)) continue;
    const source = readFileSync(path.join(repoRoot, module), 'utf8');
    for (const [, packageName = ''] of source.matchAll(specifiers)) {
      const folder = folderOf.get(packageName);
      if (folder === undefined) {
        problems.push(`${module}: imports ${packageName}, which is no workspace package`);
      } else if (!deps.some((dep) => dep.startsWith(`${folder}/`))) {
        problems.push(`${module}: its import of ${packageName} was not followed into ${folder}/`);
      }
    }
  }
  return [...new Set(problems)];
}

function workspaceFolders(): Map<string, string> {
  const readJson = (file: string): { name?: unknown; workspaces?: unknown } =>
    JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8'));
  const { workspaces } = readJson('package.json');
  if (!Array.isArray(workspaces)) throw new Error('package.json: "workspaces" is not a list of folders');
  const folders = new Map<string, string>();
  for (const folder of workspaces) {
    const { name } = readJson(path.join(String(folder), 'package.json'));
    if (typeof name === 'string') folders.set(name, String(folder));
  }
  return folders;
}

export function formatCircle(circle: readonly string[]): string {
  return [...circle, circle[0]].join(' -> ');
}

/** Runs the check on the fixture with one known circle and on one without; returns what went wrong. */
async function selfTest(): Promise<string | undefined> {
  const circleFolder = `${fixtureFolder}/circle`;
  const withCircle = await checkImportGraph([circleFolder]);
  const seen = withCircle.circles.map((circle) =>
    circle.map((module) => path.relative(circleFolder, module)),
  );
  const expected = formatCircle(expectedFixtureCircle);
  if (seen.length !== 1 || !seen[0] || !sameCircle(seen[0], expectedFixtureCircle)) {
    const found = seen.length === 0 ? 'no circle' : seen.map(formatCircle).join('; ');
    return `in ${circleFolder} it should find exactly the circle ${expected}, and found ${found}`;
  }
  const withoutCircle = await checkImportGraph([`${fixtureFolder}/no-circle`]);
  if (withoutCircle.circles.length > 0 || withoutCircle.imports === 0) {
    return `in ${fixtureFolder}/no-circle it should find one import and no circle, and found ${withoutCircle.imports} imports, ${withoutCircle.circles.length} circles`;
  }
  return undefined;
}

function sameCircle(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const start = a.indexOf(b[0] ?? '');
  return start >= 0 && b.every((module, i) => a[(start + i) % a.length] === module);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

class UsageError extends Error {}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: node scripts/check-cycles.ts [<file or folder> ...]\n');
    return 0;
  }
  const projectMode = args.length === 0;
  if (projectMode) {
    const failure = await selfTest();
    if (failure !== undefined) {
      process.stderr.write(`check-cycles: self-test failed, the check cannot be trusted: ${failure}\n`);
      return 2;
    }
  }
  const paths = projectMode
    ? projectSourceFolders
    : args.map((arg) => path.relative(repoRoot, path.resolve(arg)) || '.');
  const check = await checkImportGraph(paths, {
    // Only the project check leaves the fixtures out; given by name, they are checked.
    exclude: projectMode ? [new RegExp(`^${fixtureFolder}/`)] : [],
  });
  const scope = `${plural(check.modules, 'module')}, ${plural(check.imports, 'import')} under ${paths.join(', ')}`;
  if (check.unresolved.length > 0) {
    process.stdout.write(
      `check-cycles: ${plural(check.unresolved.length, 'import')} the check could not follow:\n`,
    );
    for (const problem of check.unresolved) process.stdout.write(`  ${problem}\n`);
  }
  if (check.circles.length > 0) {
    process.stdout.write(`check-cycles: ${plural(check.circles.length, 'import circle')} (${scope}):\n`);
    check.circles.forEach((circle, i) => {
      process.stdout.write(`  ${i + 1}. ${formatCircle(circle)}\n`);
    });
  }
  if (check.circles.length > 0 || check.unresolved.length > 0) return 1;
  process.stdout.write(`check-cycles: no import circle (${scope})\n`);
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`check-cycles: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
