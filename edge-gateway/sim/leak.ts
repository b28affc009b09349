// Opens or closes the demo plant's discharge-main leak the way an operator's HMI would: a Modbus
// write of the PLC's leak register (L/s × 10), which the simulated plant reads on its next tick.
import { ModbusClientClass } from '../src/modbus/modbus-serial.ts';

/** The register the plant reads its leak from (plantRegisters.leakControl). */
export const LEAK_REGISTER = 20;

/** Writes `litresPerSecond` (0 closes the leak) to the Modbus simulator at host:port. */
export async function writeLeak(
  target: { host: string; port: number },
  litresPerSecond: number,
): Promise<void> {
  const raw = Math.round(litresPerSecond * 10);
  if (!(raw >= 0 && raw <= 65_535)) throw new RangeError('a leak is 0-6553.5 L/s');
  const client = new ModbusClientClass();
  await client.connectTCP(target.host, { port: target.port });
  try {
    client.setID(1);
    client.setTimeout(5_000);
    await client.writeRegister(LEAK_REGISTER, raw);
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}
