// Preloaded (NODE_OPTIONS=--import) into the Node processes a unit test starts: the same guard, and
// each refused attempt appended to the file the test's setup named, which fails the test.
import { appendFileSync } from 'node:fs';
import { childLogVariable, installNetworkGuard } from './network-guard.ts';

const log = process.env[childLogVariable];
installNetworkGuard((attempt) => {
  if (log)
    appendFileSync(log, `${attempt} (in child process ${process.pid} ${process.argv.slice(1).join(' ')})\n`);
});
