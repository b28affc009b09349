// modbus-serial is CommonJS whose typings say `export default`; under Node's ESM the default import
// is module.exports itself (the client class, with ServerTCP hanging off it). This file says so once.
import modbusSerial, { type IServiceVector, type ServerTCP as ModbusServerTCP } from 'modbus-serial';

export type ModbusClient = InstanceType<typeof modbusSerial.default>;
export type { ModbusServerTCP };

export const ModbusClientClass = modbusSerial as unknown as new () => ModbusClient;

export const ModbusServerClass = (modbusSerial as unknown as { ServerTCP: unknown }).ServerTCP as new (
  vector: IServiceVector,
  options: { host?: string; port?: number | string; unitID?: number },
) => ModbusServerTCP;
