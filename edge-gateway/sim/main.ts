#!/usr/bin/env node
// Runs the demo plant's PLC simulators until Ctrl-C: `node edge-gateway/sim/main.ts [--modbus-port N]
// [--opcua-port N] [--host H]`.
import { parseArgs } from 'node:util';
import { startSimulators } from './index.ts';

const { values } = parseArgs({
  options: {
    'modbus-port': { type: 'string', default: '5020' },
    'opcua-port': { type: 'string', default: '4840' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
const sims = await startSimulators({
  modbusPort: Number(values['modbus-port']),
  opcuaPort: Number(values['opcua-port']),
  host: values.host,
});
process.stdout.write(
  `${JSON.stringify({ msg: 'simulators running', modbus: `${values.host}:${sims.modbusPort}`, opcua: sims.opcuaEndpoint })}\n`,
);
const stop = async () => {
  await sims.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
