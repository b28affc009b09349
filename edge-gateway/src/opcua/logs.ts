// node-opcua prints its warnings as free text on the console; route them into our JSON lines.
import { format, stripVTControlCharacters } from 'node:util';
import { setErrorLogger, setWarningLogger } from 'node-opcua-client';
import type { Logger } from '../log.ts';

export function routeOpcuaLogs(log: Logger): void {
  const opcuaLog = log.child({ source: 'node-opcua' });
  const clean = (args: unknown[]) => stripVTControlCharacters(format(...args)).trim();
  setWarningLogger((...args: unknown[]) => opcuaLog.warn(clean(args)));
  setErrorLogger((...args: unknown[]) => opcuaLog.error(clean(args)));
}
