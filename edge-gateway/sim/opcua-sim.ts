// An OPC UA server (node-opcua) playing the pump drive: MotorTemperature and MotorCurrent under
// ns=1, plus PumpRunning and PumpFault, at opc.tcp://host:port/plantwatch-sim. It can stop and start
// again on the same port, as a real server restart does (every session and subscription is lost).
import { mkdir } from 'node:fs/promises';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { DataType, StatusCodes, Variant } from 'node-opcua-client';
import { OPCUAServer } from 'node-opcua-server';
import { freePort } from './ports.ts';

export const OPCUA_RESOURCE_PATH = '/plantwatch-sim';

export interface OpcuaSimulatorOptions {
  host?: string;
  /** 0 picks a free port, kept across restarts. */
  port?: number;
  /** Server certificate store; created (with a self-signed certificate) on first start. */
  pkiDir: string;
}

type Value = number | boolean;
interface SimVariable {
  setValueFromSource(variant: Variant, statusCode?: unknown, sourceTimestamp?: Date): void;
}

const variables: { name: string; dataType: DataType; initial: Value }[] = [
  { name: 'MotorTemperature', dataType: DataType.Double, initial: 24 },
  { name: 'MotorCurrent', dataType: DataType.Double, initial: 0 },
  { name: 'PumpRunning', dataType: DataType.Boolean, initial: false },
  { name: 'PumpFault', dataType: DataType.Boolean, initial: false },
  { name: 'RunHours', dataType: DataType.UInt32, initial: 1234 },
];

export class OpcuaSimulator {
  readonly host: string;
  readonly #pkiDir: string;
  #port: number;
  #server: OPCUAServer | null = null;
  readonly #values = new Map<string, Value>(variables.map((v) => [v.name, v.initial]));
  #nodes = new Map<string, { variable: SimVariable; dataType: DataType }>();
  /** Server starts so far, so tests can tell a restart happened. */
  starts = 0;

  constructor(options: OpcuaSimulatorOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? 0;
    this.#pkiDir = options.pkiDir;
  }

  get port(): number {
    return this.#port;
  }

  get endpoint(): string {
    return `opc.tcp://${this.host}:${this.#port}${OPCUA_RESOURCE_PATH}`;
  }

  get running(): boolean {
    return this.#server !== null;
  }

  /** Sets a variable (e.g. MotorTemperature); subscribers see it at their next publish. */
  set(name: string, value: Value): void {
    this.#values.set(name, value);
    const node = this.#nodes.get(name);
    node?.variable.setValueFromSource(
      new Variant({ dataType: node.dataType, value }),
      StatusCodes.Good,
      new Date(),
    );
  }

  get(name: string): Value | undefined {
    return this.#values.get(name);
  }

  /** What the running server holds right now, to prove a client left nothing behind. */
  counts(): { channels: number; sessions: number; subscriptions: number; monitoredItems: number } {
    const server = this.#server;
    if (!server) return { channels: 0, sessions: 0, subscriptions: 0, monitoredItems: 0 };
    const sessions = server.engine.getSessions();
    return {
      channels: server.currentChannelCount,
      sessions: server.currentSessionCount,
      subscriptions: server.currentSubscriptionCount,
      monitoredItems: sessions.reduce((sum, session) => sum + session.currentMonitoredItemCount, 0),
    };
  }

  async start(): Promise<number> {
    if (this.#server) return this.#port;
    if (this.#port === 0) this.#port = await freePort(this.host);
    await mkdir(this.#pkiDir, { recursive: true });
    const certificateManager = new OPCUACertificateManager({
      rootFolder: this.#pkiDir,
      automaticallyAcceptUnknownCertificate: true,
    });
    const server = new OPCUAServer({
      port: this.#port,
      host: this.host,
      hostname: this.host,
      resourcePath: OPCUA_RESOURCE_PATH,
      serverCertificateManager: certificateManager,
      allowAnonymous: true,
      buildInfo: { productName: 'Plantwatch pump drive simulator', manufacturerName: 'Plantwatch' },
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error('OPC UA simulator: the server has no address space');
    const namespace = addressSpace.getOwnNamespace();
    const drive = namespace.addObject({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: 'PumpDrive',
    });
    this.#nodes = new Map();
    for (const { name, dataType } of variables) {
      const variable = namespace.addVariable({
        componentOf: drive,
        nodeId: `s=${name}`,
        browseName: name,
        dataType,
        minimumSamplingInterval: 100,
      });
      this.#nodes.set(name, { variable, dataType });
      this.set(name, this.#values.get(name) ?? 0);
    }
    await server.start();
    this.#server = server;
    this.starts += 1;
    return this.#port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#nodes = new Map();
    if (server) await server.shutdown(0);
  }
}
