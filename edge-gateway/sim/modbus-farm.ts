#!/usr/bin/env node
// Many Modbus TCP PLCs in one process, for load tests and the gateway benchmark:
// `node edge-gateway/sim/modbus-farm.ts --count 100 --registers 100 --change-ms 250`.
// Prints {"ports":[...]} once listening; every register changes every change-ms; stops on SIGTERM.
import { parseArgs } from 'node:util';
import { ModbusSimulator } from './modbus-sim.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    registers: { type: 'string', default: '100' },
    'change-ms': { type: 'string', default: '250' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
const count = Number(values.count);
const registers = Number(values.registers);
const sims = Array.from({ length: count }, () => new ModbusSimulator({ host: values.host }));
await Promise.all(sims.map((sim) => sim.start()));
let tick = 0;
setInterval(() => {
  tick += 1;
  sims.forEach((sim, s) => {
    for (let r = 0; r < registers; r += 1) sim.holding[r] = (tick + r + s) & 0xffff;
  });
}, Number(values['change-ms']));
process.stdout.write(`${JSON.stringify({ ports: sims.map((sim) => sim.port) })}\n`);
const stop = async () => {
  await Promise.allSettled(sims.map((sim) => sim.stop()));
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
