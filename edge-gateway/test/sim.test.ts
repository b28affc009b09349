// The demo plant: values move, the pump cycles, a fault trips now and then, and the registers hold
// what the demo tenant's tags expect.
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PlantModel, plantRegisters, startSimulators } from '../sim/index.ts';
import { tempDir } from './support/temp.ts';

describe('plant model', () => {
  it('starts the pump at the high level and stops it at the low level', () => {
    const plant = new PlantModel({ meanSecondsBetweenFaults: 1e12, random: () => 0.5 });
    const runs: boolean[] = [];
    for (let s = 0; s < 4 * 3600; s += 1) runs.push(plant.step(1).pumpRun);
    expect(runs.some(Boolean)).toBe(true);
    expect(runs.some((r) => !r)).toBe(true);
    expect(plant.state.level).toBeGreaterThan(0.5);
    expect(plant.state.level).toBeLessThan(3);
  });

  it('trips a pump fault now and then, and clears it again', () => {
    const plant = new PlantModel({ meanSecondsBetweenFaults: 120 });
    const faults: boolean[] = [];
    for (let s = 0; s < 6 * 3600; s += 1) faults.push(plant.step(1).pumpFault);
    const trips = faults.filter((f, i) => f && !faults[i - 1]).length;
    expect(trips).toBeGreaterThan(0);
    expect(faults.at(-1) === false || trips > 1).toBe(true);
  });

  it('counts the flow total up', () => {
    const plant = new PlantModel();
    const before = plant.state.flowTotal;
    for (let s = 0; s < 600; s += 1) plant.step(1);
    expect(plant.state.flowTotal).toBeGreaterThan(before);
  });
});

describe('startSimulators', () => {
  it('serves the plant in the registers and variables of the demo tenant, on the ports it reports', async () => {
    const dir = await tempDir();
    const sims = await startSimulators({ modbusPort: 0, opcuaPort: 0, pkiDir: join(dir, 'pki'), tickMs: 50 });
    onTestFinished(() => sims.close());

    expect(sims.modbusPort).toBeGreaterThan(0);
    expect(sims.opcuaEndpoint).toBe(`opc.tcp://127.0.0.1:${sims.opcuaPort}/plantwatch-sim`);
    expect(sims.modbus.holding[plantRegisters.level]).toBe(Math.round(sims.plant.state.level * 100));
    const total = ((sims.modbus.holding[10] ?? 0) << 16) | (sims.modbus.holding[11] ?? 0);
    expect(total >>> 0).toBe(Math.floor(sims.plant.state.flowTotal));
    expect(sims.opcua.get('MotorTemperature')).toBeTypeOf('number');
  });
});
