// `npm start`: the whole product on this machine. Ctrl-C stops it cleanly; data stays in DATA_DIR.
import { startWeb, type WebServer } from '@plantwatch/web/start';
import { DEMO_OPERATOR_AREA, DEMO_OPERATOR_EMAIL } from './demo-areas.ts';
import { type DemoPlant, startDemoPlant } from './demo-plant.ts';
import { explicitPorts, type LocalEnv, parseLocalEnv, webDistDir } from './env.ts';
import { type LocalRuntime, startLocalRuntime } from './runtime.ts';
import { collectStartupGarbage } from './startup-garbage.ts';

const started = Date.now();

interface Product {
  env: LocalEnv;
  runtime: LocalRuntime;
  web: WebServer;
  plant: DemoPlant | null;
}

/** Starts each part; if one fails, stops the ones already running before giving up. */
async function boot(): Promise<Product> {
  const stoppers: (() => Promise<void>)[] = [];
  try {
    const env = parseLocalEnv(process.env);
    const explicit = explicitPorts(process.env);
    const runtime = await startLocalRuntime({ env, explicitPorts: explicit, seedDemo: env.DEMO });
    stoppers.push(() => runtime.close());
    const web = await startWeb({
      port: env.WEB_PORT,
      host: env.HOST,
      apiUrl: runtime.apiUrl,
      dataDir: env.DATA_DIR,
      proxySecret: runtime.webProxySecret,
      mode: env.WEB_MODE,
      ...(env.WEB_MODE === 'dev' ? { distDir: webDistDir(env.DATA_DIR) } : {}),
      fallbackWhenTaken: !explicit.has('WEB_PORT'),
      // The first start (and the first after a change to the web app) builds it: say so, it takes a minute.
      onProgress: (line) => process.stdout.write(`${line}\n`),
    });
    stoppers.push(() => web.close());
    const plant = runtime.demo
      ? await startDemoPlant({
          deps: runtime.deps,
          tenantId: runtime.demo.tenantId,
          host: env.HOST,
          dataDir: env.DATA_DIR,
        })
      : null;
    return { env, runtime, web, plant };
  } catch (error) {
    for (let stopPart = stoppers.pop(); stopPart; stopPart = stoppers.pop()) await stopPart().catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    const port = (error as { port?: number }).port;
    process.stderr.write(
      code === 'EADDRINUSE'
        ? `Plantwatch cannot start: port ${port} is in use (EADDRINUSE). Stop what uses it, or choose another port, or unset the variable to let Plantwatch pick a free one.\n`
        : `Plantwatch cannot start: ${(error as Error).message}\n`,
    );
    process.exit(1);
  }
}

const { env, runtime, web, plant } = await boot();

function demoLines(apiUrl: string, demo: LocalRuntime['demo']): string[] {
  if (!demo) return [];
  if (demo.password === null) {
    return [
      `  demo login     ${demo.email} / (the password it was given on first start)`,
      '  note           DEMO_PASSWORD is not that password; the existing demo user was left unchanged',
    ];
  }
  return [
    `  demo login     ${demo.email} / ${demo.password}${demo.created ? '   (demo tenant created)' : ''}`,
    `  try it         curl -s -X POST ${apiUrl}/v1/auth/login -H 'content-type: application/json' -d '{"email":"${demo.email}","password":"${demo.password}"}'`,
    `  area operator  ${DEMO_OPERATOR_EMAIL} / the same password   (sees and is paged for ${DEMO_OPERATOR_AREA} only)`,
  ];
}

const lines = [
  '',
  `Plantwatch is running (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  `  web app        ${web.url}${env.WEB_MODE === 'dev' ? '   (dev mode: pages compile on their first visit)' : ''}`,
  `  API            ${runtime.apiUrl}/v1   (health: ${runtime.apiUrl}/v1/health, OpenAPI: ${runtime.apiUrl}/v1/openapi.json)`,
  `  MQTT           ${runtime.mqttUrl}   (TLS; gateways connect with the certificate from their provisioning bundle)`,
  `  data           ${env.DATABASE_URL ? 'config store on DATABASE_URL' : `embedded, in ${env.DATA_DIR}/`}; telemetry in ${runtime.telemetry.kind}`,
  ...demoLines(runtime.apiUrl, runtime.demo),
  ...(plant
    ? [
        `  simulated PLCs ${plant.modbusUrl} (Modbus TCP), ${plant.opcuaEndpoint} (OPC UA)`,
        `  gateway        gw-north, process ${plant.gatewayPid}, polling them and publishing to the broker`,
      ]
    : []),
  ...[...runtime.notes, ...(web.note ? [`web: ${web.note}`] : []), ...(plant?.notes ?? [])].map(
    (note) => `  note           ${note}`,
  ),
  '  Ctrl-C stops everything; the next start keeps the data.',
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
collectStartupGarbage();

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: shutting down…\n`);
  // The gateway first (it flushes and says offline), then the web app, then API, broker and stores.
  await plant?.close();
  await web.close();
  await runtime.close();
  process.stdout.write('stopped cleanly\n');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
