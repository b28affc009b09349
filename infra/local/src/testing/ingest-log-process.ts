// A process holding an ingest log whose messages are never applied, for the kill -9 test: it
// submits INGEST_LOG_MESSAGES messages, prints one line per acknowledgement, and waits to be killed.
import { openIngestLog } from '../ingest-log.ts';

const dir = process.env.INGEST_LOG_DIR;
if (!dir) throw new Error('INGEST_LOG_DIR is not set');
const count = Number(process.env.INGEST_LOG_MESSAGES ?? '100');
const log = await openIngestLog({ dir, apply: () => new Promise(() => {}), checkpointMs: 10 });
await Promise.all(
  Array.from({ length: count }, async (_, index) => {
    await log.submit({
      topic: 'dt/t/s/g/telemetry',
      payload: Buffer.from(JSON.stringify({ seq: index })),
      receivedAt: 1_000 + index,
    });
    process.stdout.write(`acked ${index}\n`);
  }),
);
process.stdout.write('all acked\n');
setInterval(() => {}, 1_000);
