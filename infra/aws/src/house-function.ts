// The house Lambda function: every Plantwatch function runs Node 24 on arm64, bundled by esbuild
// as ESM with source maps, traced by X-Ray, logging JSON to its own log group with a retention.
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { justifyWildcard, XRAY_ACTIONS } from './wildcards.ts';

/** The repository root: entries are given relative to it, and the lockfile there pins the bundle. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Node 24 on Lambda; aws-cdk-lib has named it since 2.220. */
export const HOUSE_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface PlantwatchFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture' | 'logGroup' | 'logRetention'> {
  /** The entry file, relative to the repository root, e.g. `functions/src/lambda/api.ts`. */
  readonly entry: string;
  /** How long the function's logs are kept. */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Copy the drizzle migrations next to the bundle: `openConfigDatabase` finds them at
   * `../../../drizzle` from its own module, so the bundle is placed three folders deep.
   */
  readonly withMigrations?: boolean;
}

export class PlantwatchFunction extends NodejsFunction {
  /** Its reserved concurrency (the stack's connection budget and quota check read it). */
  readonly reservedConcurrency: number | undefined;

  constructor(scope: Construct, id: string, props: PlantwatchFunctionProps) {
    const { entry, logRetention, withMigrations, bundling, environment, ...rest } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const nested = withMigrations ? 'functions/src/lambda' : '';
    super(scope, id, {
      timeout: Duration.seconds(30),
      memorySize: 1024,
      ...rest,
      entry: `${repoRoot}${entry}`,
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      handler: nested ? `${nested}/index.handler` : 'handler',
      runtime: HOUSE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        // Aurora's certificates chain to the RDS CAs, which Lambda ships but does not trust by default.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        mainFields: ['module', 'main'],
        sourceMap: true,
        minify: true,
        // CommonJS dependencies call require(); an ESM bundle needs one made for it.
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        // The SDK is bundled too, so the versions in the lockfile are the ones that run.
        externalModules: ['pg-native'],
        ...bundling,
        commandHooks: withMigrations
          ? {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (inputDir: string, outputDir: string) => [
                `mkdir -p "${outputDir}/${nested}"`,
                `mv "${outputDir}/index.mjs" "${outputDir}/index.mjs.map" "${outputDir}/${nested}/"`,
                `cp -R "${inputDir}/functions/drizzle" "${outputDir}/drizzle"`,
              ],
            }
          : bundling?.commandHooks,
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The managed policy Lambda documents for writing its own logs; it grants nothing else.',
    });
    justifyWildcard(this, XRAY_ACTIONS, 'active tracing: X-Ray takes segments on "*" only');
    this.reservedConcurrency = props.reservedConcurrentExecutions;
    if (props.vpc) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'The managed policy Lambda documents for creating its network interfaces in the VPC.',
      });
    }
  }
}
