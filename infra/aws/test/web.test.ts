// The Web construct: the Next.js standalone server on a Node 24 Lambda behind CloudFront, built from
// a bundle given in context (the stand-in when none is), and the bundle's assembly from `next build`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { PlantwatchStack } from '../src/plantwatch-stack.ts';
import { readSettings } from '../src/settings.ts';
import {
  FORWARD_HOST,
  MissingWebBundleError,
  VIEWER_IP_HEADER,
  WEB_ADAPTER_LAYER_VERSION,
} from '../src/web.ts';
import { assembleWebBundle, RUN_SH, WebBuildMissingError } from '../src/web-bundle.ts';
import { logicalId, NO_BUNDLING, plantwatchStack } from './support/stack.ts';

const scratch = mkdtempSync(join(tmpdir(), 'plantwatch-web-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small stand-in for `next build` output: web/<distDir>/standalone with server.js, static files, public/. */
function fakeNextBuild(distDir = '.next-aws'): string {
  const webDir = join(scratch, `web-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(webDir, distDir, 'standalone', 'web'), { recursive: true });
  mkdirSync(join(webDir, distDir, 'standalone', 'node_modules', 'next'), { recursive: true });
  mkdirSync(join(webDir, distDir, 'static', 'chunks'), { recursive: true });
  mkdirSync(join(webDir, 'public'), { recursive: true });
  writeFileSync(join(webDir, distDir, 'standalone', 'web', 'server.js'), 'server');
  writeFileSync(join(webDir, distDir, 'standalone', 'node_modules', 'next', 'index.js'), 'next');
  writeFileSync(join(webDir, distDir, 'static', 'chunks', 'app.js'), 'chunk');
  writeFileSync(join(webDir, 'public', 'favicon.ico'), 'icon');
  return webDir;
}

describe('the web bundle', () => {
  it('holds the standalone server, its node_modules, the static files, public/ and an executable run.sh', () => {
    const out = join(scratch, 'bundle');
    assembleWebBundle(fakeNextBuild('.next-aws'), out, '.next-aws');
    expect(readFileSync(join(out, 'web', 'server.js'), 'utf8')).toBe('server');
    expect(existsSync(join(out, 'node_modules', 'next', 'index.js'))).toBe(true);
    expect(readFileSync(join(out, 'web', '.next-aws', 'static', 'chunks', 'app.js'), 'utf8')).toBe('chunk');
    expect(existsSync(join(out, 'web', 'public', 'favicon.ico'))).toBe(true);
    expect(readFileSync(join(out, 'run.sh'), 'utf8')).toBe(RUN_SH);
    expect(statSync(join(out, 'run.sh')).mode & 0o111).toBe(0o111);
    expect(RUN_SH).toContain('exec node start.mjs');
    expect(RUN_SH).toContain('PLANTWATCH_WEB_SERVER=./web/server.js');
    // start.mjs: the secrets reader bundled with its SDK client, nothing left to resolve at run time
    const start = readFileSync(join(out, 'start.mjs'), 'utf8');
    expect(start).toContain('SECRETS_TO_ENV');
    expect(start).not.toMatch(/from\s*["']@aws-sdk/);
  });

  it('start.mjs puts each named secret in the environment before the server starts, and refuses a bad spec', async () => {
    const { loadSecrets, parseSecretsToEnv } = await import('../web-start/start.ts');
    const asked: unknown[] = [];
    const client = {
      send: async (command: { input: { SecretId: string } }) => {
        asked.push(command.input.SecretId);
        return { SecretString: `value-of-${command.input.SecretId}` };
      },
    };
    const env: NodeJS.ProcessEnv = {
      SECRETS_TO_ENV: 'NEXTAUTH_SECRET=arn:aws:secretsmanager:eu-west-1:1:secret:a',
    };

    const loaded = await loadSecrets(env, client as never);

    expect(loaded).toEqual(['NEXTAUTH_SECRET']);
    expect(env.NEXTAUTH_SECRET).toBe('value-of-arn:aws:secretsmanager:eu-west-1:1:secret:a');
    expect(asked).toEqual(['arn:aws:secretsmanager:eu-west-1:1:secret:a']);
    expect(() => parseSecretsToEnv('lowercase=arn')).toThrow(
      'SECRETS_TO_ENV: "lowercase=arn" must be NAME=<secret ARN>',
    );
  });

  it('says to run next build when there is no standalone server', () => {
    const webDir = join(scratch, 'not-built');
    mkdirSync(webDir, { recursive: true });
    expect(() => assembleWebBundle(webDir, join(scratch, 'nothing'))).toThrow(WebBuildMissingError);
    expect(() => assembleWebBundle(webDir, join(scratch, 'nothing'))).toThrow(/next build.*standalone/);
  });
});

describe('the Web construct', () => {
  const { stack, template } = plantwatchStack();
  const serverId = logicalId(stack, stack.web.serverFunction);

  it('runs the server on Node 24, arm64, through the Lambda Web Adapter, with the API URL and the cookie secret read at start', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'run.sh',
      TracingConfig: { Mode: 'Active' },
      Layers: [
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':lambda:',
              { Ref: 'AWS::Region' },
              `:753240598075:layer:LambdaAdapterLayerArm64:${WEB_ADAPTER_LAYER_VERSION}`,
            ],
          ],
        },
      ],
      Environment: {
        Variables: Match.objectLike({
          AWS_LAMBDA_EXEC_WRAPPER: '/opt/bootstrap',
          AWS_LWA_PORT: '8080',
          HOSTNAME: '127.0.0.1',
          AUTH_TRUST_HOST: 'true',
          API_URL: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
          // the ARNs, read by start.mjs at cold start: no secret value in the configuration
          SECRETS_TO_ENV: {
            'Fn::Join': [
              '',
              [
                'NEXTAUTH_SECRET=',
                { Ref: logicalId(stack, stack.web.authSecret) },
                ',API_PROXY_SECRET=',
                { Ref: logicalId(stack, stack.accounts.webProxySecret) },
              ],
            ],
          },
          // the browser's address as CloudFront saw it, forwarded to the API with the proxy secret
          CLIENT_IP_HEADER: VIEWER_IP_HEADER,
        }),
      },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
    const variables = template.toJSON().Resources[serverId].Properties.Environment.Variables;
    expect(variables.NEXTAUTH_SECRET).toBeUndefined();
    expect(variables.API_PROXY_SECRET).toBeUndefined();
  });

  it('is reachable only through CloudFront: no function URL, an internal load balancer behind a VPC origin', () => {
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Type: 'application',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda',
      Targets: [{ Id: { 'Fn::GetAtt': [serverId, 'Arn'] } }],
      TargetGroupAttributes: Match.arrayWith([{ Key: 'lambda.multi_value_headers.enabled', Value: 'true' }]),
    });
    template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({
        Arn: { Ref: logicalId(stack, stack.web.loadBalancer) },
        OriginProtocolPolicy: 'http-only',
      }),
    });
    // The only principal that may invoke the web server: the load balancer, for its target group.
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter((p) =>
      JSON.stringify(p.Properties.FunctionName).includes(serverId),
    );
    expect(permissions.map((p) => p.Properties.Principal)).toEqual(['elasticloadbalancing.amazonaws.com']);
    // Its security group lets in the VPC only, on port 80.
    const [group] = Object.values(
      template.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('^Plantwatch web origin') },
      }),
    );
    expect(group?.Properties.SecurityGroupIngress).toEqual(
      [
        Match.objectLike({
          CidrIp: { 'Fn::GetAtt': [Match.anyValue(), 'CidrBlock'] },
          FromPort: 80,
          ToPort: 80,
        }),
      ].map(() =>
        expect.objectContaining({
          FromPort: 80,
          ToPort: 80,
          CidrIp: expect.objectContaining({ 'Fn::GetAtt': expect.arrayContaining(['CidrBlock']) }),
        }),
      ),
    );
  });

  it('serves it through CloudFront over HTTPS: pages uncached with the viewer host, build assets cached, logs kept', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: Match.arrayWith(['POST']),
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
          FunctionAssociations: [Match.objectLike({ EventType: 'viewer-request' })],
        }),
        CacheBehaviors: [
          Match.objectLike({
            PathPattern: '/_next/static/*',
            CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6', // Managed-CachingOptimized
          }),
        ],
        Origins: [Match.objectLike({ VpcOriginConfig: Match.objectLike({ VpcOriginId: Match.anyValue() }) })],
        Logging: Match.objectLike({
          Bucket: { 'Fn::GetAtt': [logicalId(stack, stack.web.accessLogsBucket), 'RegionalDomainName'] },
        }),
      }),
    });
    template.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: FORWARD_HOST });
  });

  it("writes the viewer's address without its port over whatever the browser sent, and the viewer's Host", () => {
    // The viewer-request function's own code, run on CloudFront's event shape (JS 2.0 runtime).
    const handler = new Function(`${FORWARD_HOST}; return handler;`)() as (event: unknown) => {
      headers: Record<string, { value: string }>;
    };
    for (const ip of ['198.51.100.10', '2406:2d40:728d:fa10::c4a']) {
      const request = handler({
        viewer: { ip },
        request: {
          headers: {
            host: { value: 'plant.example.com' },
            [VIEWER_IP_HEADER]: { value: '10.9.8.7' },
          },
        },
      });
      expect(request.headers[VIEWER_IP_HEADER]).toEqual({ value: ip });
      expect(request.headers['x-forwarded-host']).toEqual({ value: 'plant.example.com' });
    }
  });

  it('warns at synthesis that the stand-in bundle is used when no webBundle is given', () => {
    expect(stack.web.standIn).toBe(true);
    Annotations.fromStack(stack).hasWarning(
      `/${stack.web.node.path}`,
      Match.stringLikeRegexp('stand-in bundle.*npm run deploy -w @plantwatch/infra-aws'),
    );
  });
});

function stackWith(context: Record<string, unknown>) {
  const app = new App({ context: { ...NO_BUNDLING, ...context } });
  return new PlantwatchStack(app, 'Plantwatch', { settings: readSettings(app.node) });
}

describe('the Web construct with context', () => {
  it('fails synthesis, saying how to build it, when webBundle names a folder without run.sh', () => {
    const empty = join(scratch, 'empty-bundle');
    mkdirSync(empty, { recursive: true });
    expect(() => stackWith({ webBundle: empty })).toThrow(MissingWebBundleError);
    expect(() => stackWith({ webBundle: empty })).toThrow(/build-web\.ts/);
  });

  it('uses a built bundle without the stand-in warning', () => {
    const out = join(scratch, 'built');
    assembleWebBundle(fakeNextBuild('.next'), out);
    const stack = stackWith({ webBundle: out });
    expect(stack.web.standIn).toBe(false);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('stand-in'));
  });

  it('serves a custom domain with its certificate and TLS 1.2, and tells next-auth its URL', () => {
    const stack = stackWith({
      webDomainName: 'plant.example.com',
      webCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['plant.example.com'],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
          MinimumProtocolVersion: 'TLSv1.2_2021',
        }),
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'run.sh',
      Environment: { Variables: Match.objectLike({ NEXTAUTH_URL: 'https://plant.example.com' }) },
    });
  });

  it.each([
    [{ webDomainName: 'plant.example.com' }, /set both or neither/],
    [
      {
        webDomainName: 'plant.example.com',
        webCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x',
      },
      /us-east-1/,
    ],
  ])('refuses web context %j', (context, message) => {
    expect(() => stackWith(context)).toThrow(message);
  });
});
