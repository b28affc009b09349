// The one test that bundles with esbuild for real; every other test file skips bundling.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { afterAll, describe, expect, it } from 'vitest';
import { PlantwatchFunction } from '../src/house-function.ts';

const outdir = mkdtempSync(join(tmpdir(), 'plantwatch-cdk-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const app = new App({
  outdir,
  context: { 'aws:cdk:enable-asset-metadata': true },
});
const stack = new Stack(app, 'HouseFunction');
const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 1 });
const migrate = new PlantwatchFunction(stack, 'Migrate', {
  entry: 'functions/src/lambda/migrate.ts',
  withMigrations: true,
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
});
const template = Template.fromStack(stack);
const assembly = app.synth();

describe('the house function', () => {
  it('runs Node 24 on arm64 with active tracing and JSON logs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^MigrateLogs') } },
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it('keeps its logs for a month by default', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('bundles an ESM file with a source map, three folders deep beside the drizzle migrations', () => {
    const fn = template.findResources('AWS::Lambda::Function');
    const [resource] = Object.values(fn);
    expect(resource?.Properties.Handler).toBe('functions/src/lambda/index.handler');
    const assetPath = resource?.Metadata?.['aws:asset:path'] as string;
    const bundle = join(assembly.directory, assetPath);
    const code = readFileSync(join(bundle, 'functions/src/lambda/index.mjs'), 'utf8');
    expect(code).toContain('new URL("../../../drizzle",import.meta.url)');
    expect(code).toContain('sourceMappingURL=index.mjs.map');
    expect(existsSync(join(bundle, 'functions/src/lambda/index.mjs.map'))).toBe(true);
    expect(existsSync(join(bundle, 'drizzle/meta/_journal.json'))).toBe(true);
    expect(migrate.runtime.name).toBe('nodejs24.x');
  });

  it('produces a bundle that Node loads: no dependency fails at module scope', () => {
    const [resource] = Object.values(template.findResources('AWS::Lambda::Function'));
    const bundle = join(assembly.directory, resource?.Metadata?.['aws:asset:path'] as string);
    const url = pathToFileURL(join(bundle, 'functions/src/lambda/index.mjs')).href;
    // In a Node process of its own, as Lambda loads it: through the test runner's module transform the
    // 6 MB bundle took over 30 s; Node takes about 3.
    const loaded = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(url)}); console.log(typeof m.handler);`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(loaded.trim()).toBe('function');
  });
});
