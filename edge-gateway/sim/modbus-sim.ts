// A Modbus TCP server (modbus-serial's ServerTCP) over plain register arrays, counting the requests
// it answers per function code, and able to stop and start again on the same port.
import type { Server, Socket } from 'node:net';
import { ModbusServerClass, type ModbusServerTCP } from '../src/modbus/modbus-serial.ts';

type ServerTCP = ModbusServerTCP;

export interface ModbusSimulatorOptions {
  host?: string;
  /** 0 picks a free port; after the first start the simulator keeps its port across restarts. */
  port?: number;
  /** Answer only this unit id; 255 answers every unit. */
  unitId?: number;
}

export class ModbusSimulator {
  readonly holding = new Uint16Array(65_536);
  readonly input = new Uint16Array(65_536);
  readonly coils = new Uint8Array(65_536);
  readonly discrete = new Uint8Array(65_536);
  /** Requests answered, by Modbus function code (3 = read holding registers, ...). */
  readonly requests = new Map<number, number>();
  /** TCP connections accepted since the simulator was made. */
  connections = 0;
  readonly host: string;
  #port: number;
  readonly #unitId: number;
  #server: ServerTCP | null = null;

  constructor(options: ModbusSimulatorOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? 0;
    this.#unitId = options.unitId ?? 255;
  }

  get port(): number {
    return this.#port;
  }

  get running(): boolean {
    return this.#server !== null;
  }

  get totalRequests(): number {
    let total = 0;
    for (const count of this.requests.values()) total += count;
    return total;
  }

  /** Writes whole registers into the holding area (e.g. an encoded float). */
  setHolding(address: number, words: readonly number[]): void {
    words.forEach((word, i) => {
      this.holding[address + i] = word;
    });
  }

  async start(): Promise<number> {
    if (this.#server) return this.#port;
    const vector = {
      getHoldingRegister: (addr: number) => this.holding[addr] ?? 0,
      getMultipleHoldingRegisters: (addr: number, length: number) =>
        Array.from(this.holding.subarray(addr, addr + length)),
      getInputRegister: (addr: number) => this.input[addr] ?? 0,
      getMultipleInputRegisters: (addr: number, length: number) =>
        Array.from(this.input.subarray(addr, addr + length)),
      getCoil: (addr: number) => this.coils[addr] === 1,
      getDiscreteInput: (addr: number) => this.discrete[addr] === 1,
      setRegister: (addr: number, value: number) => {
        this.holding[addr] = value;
      },
      setCoil: (addr: number, value: boolean) => {
        this.coils[addr] = value ? 1 : 0;
      },
    };
    // ServerTCP treats port 0 as "use 502"; the string "0" reaches listen() and means "any free port".
    const server = new ModbusServerClass(vector, {
      host: this.host,
      port: String(this.#port),
      unitID: this.#unitId,
    });
    const net = (server as unknown as { _server: Server })._server;
    await new Promise<void>((resolve, reject) => {
      server.once('initialized', () => resolve());
      server.once('serverError', reject);
    });
    server.on('serverError', () => {});
    server.on('socketError', () => {});
    server.on('error', () => {});
    net.on('connection', (socket: Socket) => {
      this.connections += 1;
      this.#countRequests(socket);
    });
    const address = net.address();
    if (typeof address === 'object' && address !== null) this.#port = address.port;
    this.#server = server;
    return this.#port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #countRequests(socket: Socket): void {
    let pending = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      // MBAP header: transaction (2), protocol (2), length (2) of what follows: unit (1) + PDU.
      while (pending.length >= 8) {
        const frameLength = 6 + pending.readUInt16BE(4);
        if (pending.length < frameLength) break;
        const functionCode = pending.readUInt8(7);
        this.requests.set(functionCode, (this.requests.get(functionCode) ?? 0) + 1);
        pending = pending.subarray(frameLength);
      }
    });
  }
}
