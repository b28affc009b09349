// The PLC simulators of the demo plant: the lift station PLC on Modbus TCP (plc-1) and the pump
// drive on OPC UA (plc-2), both driven by one plant model, with the register map the demo tenant
// (infra/local/src/seed.ts) configures.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEAK_REGISTER } from './leak.ts';
import { ModbusSimulator } from './modbus-sim.ts';
import { OpcuaSimulator } from './opcua-sim.ts';
import { PlantModel, type PlantState } from './plant.ts';

export {
  DEMO_SPARKPLUG,
  demoRtuPoints,
  type EventSimulators,
  startEventSimulators,
} from './event-sims.ts';
export { Iec104OutstationSimulator } from './iec104-sim.ts';
export { LEAK_REGISTER, writeLeak } from './leak.ts';
export { ModbusSimulator } from './modbus-sim.ts';
export { OPCUA_RESOURCE_PATH, OpcuaSimulator } from './opcua-sim.ts';
export { PlantModel, type PlantState } from './plant.ts';
export { freePort } from './ports.ts';
export { SparkplugNodeSimulator } from './sparkplug-sim.ts';

/** The Modbus register map of plc-1 (unit 1, holding registers, big-endian words and bytes). */
export const plantRegisters = {
  /** uint16, level × 100 (scale 0.01 m) */
  level: 0,
  /** float32 over 1-2, L/s */
  inflow: 1,
  /** bit 0 pump running, bit 3 pump fault */
  status: 7,
  /** uint32 over 10-11, m³ */
  flowTotal: 10,
  /** float32 over 12-13, L/s: the discharge main leaving the station */
  dischargeFlow: 12,
  /** float32 over 14-15, L/s: the discharge main where it delivers */
  deliveredFlow: 14,
  /** uint16, L/s × 10, written by a Modbus client: a leak in the discharge main (0 closes it) */
  leakControl: LEAK_REGISTER,
} as const;

export interface SimulatorOptions {
  /** Default 5020; 0 picks a free port. */
  modbusPort?: number;
  /** Default 4840; 0 picks a free port. */
  opcuaPort?: number;
  host?: string;
  /** How often the plant moves, ms (default 1000). */
  tickMs?: number;
  /** OPC UA server certificate store (default: a folder under the OS temp dir). */
  pkiDir?: string;
  /** Average seconds between pump faults (default 600). */
  meanSecondsBetweenFaults?: number;
}

export interface Simulators {
  modbusPort: number;
  opcuaPort: number;
  /** opc.tcp://host:port/plantwatch-sim */
  opcuaEndpoint: string;
  modbus: ModbusSimulator;
  opcua: OpcuaSimulator;
  plant: PlantModel;
  close(): Promise<void>;
}

function float32Words(value: number): number[] {
  const bytes = Buffer.alloc(4);
  bytes.writeFloatBE(value);
  return [bytes.readUInt16BE(0), bytes.readUInt16BE(2)];
}

/** Copies the plant's state into the PLC registers and the drive's variables. */
export function writePlantState(state: PlantState, modbus: ModbusSimulator, opcua: OpcuaSimulator): void {
  modbus.setHolding(plantRegisters.level, [Math.round(state.level * 100)]);
  modbus.setHolding(plantRegisters.inflow, float32Words(state.inflow));
  modbus.setHolding(plantRegisters.status, [(state.pumpRun ? 1 : 0) | (state.pumpFault ? 1 << 3 : 0)]);
  const total = Math.floor(state.flowTotal) >>> 0;
  modbus.setHolding(plantRegisters.flowTotal, [total >>> 16, total & 0xffff]);
  modbus.setHolding(plantRegisters.dischargeFlow, float32Words(state.dischargeFlow));
  modbus.setHolding(plantRegisters.deliveredFlow, float32Words(state.deliveredFlow));
  opcua.set('MotorTemperature', Math.round(state.motorTemperature * 100) / 100);
  opcua.set('MotorCurrent', Math.round(state.motorCurrent * 100) / 100);
  opcua.set('PumpRunning', state.pumpRun);
  opcua.set('PumpFault', state.pumpFault);
}

export async function startSimulators(options: SimulatorOptions = {}): Promise<Simulators> {
  const host = options.host ?? '127.0.0.1';
  const plant = new PlantModel({ meanSecondsBetweenFaults: options.meanSecondsBetweenFaults ?? 600 });
  const modbus = new ModbusSimulator({ host, port: options.modbusPort ?? 5020, unitId: 255 });
  const opcua = new OpcuaSimulator({
    host,
    port: options.opcuaPort ?? 4840,
    pkiDir: options.pkiDir ?? join(tmpdir(), 'plantwatch-sim-pki'),
  });
  const tickMs = options.tickMs ?? 1000;
  await modbus.start();
  try {
    await opcua.start();
  } catch (error) {
    await modbus.stop();
    throw error;
  }
  writePlantState(plant.state, modbus, opcua);
  const timer = setInterval(() => {
    // the leak register is the plant's one control: a client (an HMI, a test) writes it
    plant.leakLs = (modbus.holding[plantRegisters.leakControl] ?? 0) / 10;
    writePlantState(plant.step(tickMs / 1000), modbus, opcua);
  }, tickMs);
  timer.unref();
  return {
    modbusPort: modbus.port,
    opcuaPort: opcua.port,
    opcuaEndpoint: opcua.endpoint,
    modbus,
    opcua,
    plant,
    async close() {
      clearInterval(timer);
      await Promise.allSettled([modbus.stop(), opcua.stop()]);
    },
  };
}
