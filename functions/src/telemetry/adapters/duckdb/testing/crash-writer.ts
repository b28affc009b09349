// The crash test's writer: opens the store at argv[2] with no compaction, writes argv[3] groups of
// 240 points (200 tags), prints "written" and waits to be killed. Usage: node crash-writer.ts PATH GROUPS
import { openDuckDbTelemetryStore } from '../telemetry-store.ts';
import { crashPoints } from './crash-points.ts';

const [path, groups] = process.argv.slice(2);
if (!path || !groups) throw new Error('usage: crash-writer.ts PATH GROUPS');
const store = await openDuckDbTelemetryStore({ path, compactEveryMs: 3_600_000 });
for (let group = 0; group < Number(groups); group += 1) await store.write(crashPoints(group));
process.stdout.write('written\n');
setInterval(() => undefined, 60_000);
