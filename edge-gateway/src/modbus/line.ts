// One Modbus connection: a TCP socket to one device, or a serial port shared by the RTU devices on
// that line. Requests go one at a time, with the configured pause between them.
import type { ModbusConfigDevice } from '@plantwatch/shared';
import { sleep } from '../backoff.ts';
import { type ModbusClient, ModbusClientClass } from './modbus-serial.ts';

export class ModbusTimeoutError extends Error {}
export class ModbusConnectError extends Error {}

type Client = ModbusClient;

export class ModbusLine {
  readonly #device: ModbusConfigDevice;
  #client: Client | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #lastRequestEnd = 0;

  constructor(device: ModbusConfigDevice) {
    this.#device = device;
  }

  get isOpen(): boolean {
    return this.#client?.isOpen === true;
  }

  async open(): Promise<void> {
    this.close();
    const device = this.#device;
    const client = new ModbusClientClass();
    // A closed socket shows up as isOpen === false; the error event must have a listener or it throws.
    client.on('error', () => {});
    const connect =
      device.protocol === 'modbus-tcp'
        ? client.connectTCP(device.host, { port: device.port, timeout: device.timeoutMs })
        : client.connectRTUBuffered(device.path, {
            baudRate: device.baudRate,
            parity: device.parity,
            dataBits: device.dataBits,
            stopBits: device.stopBits,
          });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ModbusConnectError(`connect timed out after ${device.timeoutMs} ms`)),
        device.timeoutMs,
      );
    });
    try {
      await Promise.race([connect, timeout]);
    } catch (error) {
      client.destroy(() => {});
      throw error instanceof ModbusConnectError
        ? error
        : new ModbusConnectError(
            `cannot connect: ${error instanceof Error ? error.message : String(error)}`,
            {
              cause: error,
            },
          );
    } finally {
      clearTimeout(timer);
    }
    client.setTimeout(device.timeoutMs);
    this.#client = client;
  }

  close(): void {
    const client = this.#client;
    this.#client = null;
    if (client) {
      client.destroy(() => {});
    }
  }

  /** Runs one request for `unitId` once every earlier request on this line has finished. */
  request<T>(unitId: number, run: (client: Client) => Promise<T>): Promise<T> {
    const result = this.#queue.then(async () => {
      const client = this.#client;
      if (!client?.isOpen) throw new ModbusConnectError('not connected');
      const wait = this.#lastRequestEnd + this.#device.interRequestDelayMs - Date.now();
      if (wait > 0) await sleep(wait);
      client.setID(unitId);
      try {
        return await run(client);
      } catch (error) {
        // modbus-serial rejects with a plain object { name: 'TransactionTimedOutError', errno: 'ETIMEDOUT' }.
        const errno =
          typeof error === 'object' && error !== null && 'errno' in error ? error.errno : undefined;
        if (errno === 'ETIMEDOUT')
          throw new ModbusTimeoutError(`no answer within ${this.#device.timeoutMs} ms`);
        throw error;
      } finally {
        this.#lastRequestEnd = Date.now();
      }
    });
    this.#queue = result.catch(() => {});
    return result;
  }
}
