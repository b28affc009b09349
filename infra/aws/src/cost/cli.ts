// `npm run cost -- --sites 1000 --tags 200 --poll 1s --change 0.1`: the arguments (checked, each
// error naming its flag) and the printed bill (scripts/cost.ts is the command).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_LOAD, MEASURED } from '../load-model.ts';
import postgres from '../measured-postgres.json' with { type: 'json' };
import { ASSUMED, type Bill, type BillOptions, monthlyBill } from './bill.ts';
import { PRICES_AS_OF, PRICES_REGION } from './prices.ts';

export class CostArgumentError extends Error {}

/** "1s", "500ms", "5", "2m" → seconds. */
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m)?$/, 'must be a duration such as 1s, 500ms or 2m')
  .transform((text) => {
    const value = Number.parseFloat(text);
    if (text.endsWith('ms')) return value / 1000;
    if (text.endsWith('m')) return value * 60;
    return value;
  });
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const argsSchema = z.object({
  sites: count(1, 100_000).default(DEFAULT_LOAD.sites),
  tags: count(1, 100_000).default(DEFAULT_LOAD.tagsPerSite),
  poll: duration.default(DEFAULT_LOAD.pollSeconds),
  change: z.coerce.number().min(0).max(1).default(DEFAULT_LOAD.changeFraction),
  publish: duration.default(DEFAULT_LOAD.publishSeconds),
  store: z.enum(['postgres', 'timestream']).default('postgres'),
  queue: z.enum(['kinesis', 'sqs']).default('kinesis'),
  'basic-ingest': z.enum(['yes', 'no']).default('yes'),
  'dashboard-hours': z.coerce.number().min(0).max(744).default(220),
  sms: z.coerce.number().min(0).max(100_000).default(20),
  'raw-days': count(7, 36_500).default(35),
  'memory-hours': count(1, 8766).default(24),
  'aurora-min-acu': z.coerce.number().min(0.5).max(256).default(0.5),
  json: z.boolean().default(false),
});

const options = Object.fromEntries(
  Object.keys(argsSchema.shape).map((name) => [
    name,
    { type: name === 'json' ? 'boolean' : 'string' } as const,
  ]),
) as Record<string, { type: 'string' | 'boolean' }>;

export function parseCostArgs(argv: readonly string[]): { options: BillOptions; json: boolean } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new CostArgumentError(
      `${(error as Error).message} (flags: ${Object.keys(options)
        .map((o) => `--${o}`)
        .join(' ')})`,
    );
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    throw new CostArgumentError(
      parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  }
  const a = parsed.data;
  return {
    json: a.json,
    options: {
      load: {
        sites: a.sites,
        tagsPerSite: a.tags,
        pollSeconds: a.poll,
        changeFraction: a.change,
        publishSeconds: a.publish,
        heartbeatSeconds: DEFAULT_LOAD.heartbeatSeconds,
      },
      telemetryStore: a.store,
      queue: a.queue,
      basicIngest: a['basic-ingest'] === 'yes',
      dashboardHoursPerSite: a['dashboard-hours'],
      smsPerSite: a.sms,
      auroraMinAcu: a['aurora-min-acu'],
      memoryRetentionHours: a['memory-hours'],
      rawRetentionDays: a['raw-days'],
    },
  };
}

const money = (usd: number) =>
  `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const SECTIONS: Record<string, string> = {
  telemetry: 'Telemetry path',
  database: 'Telemetry store',
  platform: 'Platform (grows with traffic)',
  users: 'Users',
  fixed: 'Fixed base (with nothing connected)',
};

/** The bill as text: a line per item with its arithmetic, subtotals, the total, and what it rests on. */
export function formatBill(bill: Bill, options: BillOptions): string {
  const { load } = options;
  const out: string[] = [];
  const t = bill.traffic;
  out.push(
    `Plantwatch on AWS, a month (${PRICES_REGION} list prices as of ${PRICES_AS_OF}; infra/aws/src/cost/prices.ts)`,
    `load: ${load.sites} sites × ${load.tagsPerSite} tags, polled every ${load.pollSeconds} s, ${load.changeFraction * 100} % changing, published every ${load.publishSeconds} s`,
    `traffic: ${t.pointsPerSecond.toFixed(0)} points/s in ${t.messagesPerSecond.toFixed(1)} messages/s of ${t.pointsPerMessage.toFixed(1)} points (${t.messageBytes.toFixed(0)} B; ${MEASURED.bytesPerPoint} B a point and ${MEASURED.envelopeBytes} B of envelope measured by the gateway bench on ${MEASURED.measuredAt})`,
    `ingest: ${bill.sizing.queue}${bill.sizing.queue === 'kinesis' ? `, ${bill.sizing.shards} shards` : ''}, batches of ${bill.sizing.batchSize}, concurrency ${bill.sizing.concurrency}; store: ${options.telemetryStore}${options.telemetryStore === 'postgres' ? ` (Aurora ${bill.auroraStorage}, ${options.rawRetentionDays} days of raw points)` : ''}`,
    '',
  );
  for (const section of Object.keys(SECTIONS)) {
    const lines = bill.lines.filter((line) => line.section === section);
    if (lines.length === 0) continue;
    out.push(SECTIONS[section] ?? section);
    for (const line of lines) {
      out.push(
        `  ${line.item.padEnd(62)} ${money(line.usd).padStart(12)}${line.growsMonthly ? '  (+ each month kept)' : ''}`,
      );
      out.push(`      ${line.arithmetic}`);
    }
    out.push(
      `  ${'subtotal'.padEnd(62)} ${money(lines.reduce((sum, l) => sum + l.usd, 0)).padStart(12)}`,
      '',
    );
  }
  out.push(
    `total ${money(bill.total)} a month; ${money(bill.perThousandTags)} per 1,000 tags (${bill.tags.toLocaleString('en-US')} tags)`,
  );
  out.push('', 'The queue for this traffic (queue and ingest invocations, not in the total unless chosen):');
  for (const alternative of bill.alternatives) {
    out.push(`  ${alternative.queue.padEnd(62)} ${money(alternative.usd).padStart(12)}`);
    out.push(`      ${alternative.arithmetic}`);
  }
  out.push(
    '',
    `Measured: bytes per point and per message (npm run bench -- gateway, ${MEASURED.measuredAt}); PostgreSQL log, storage and CPU per point (npm run bench -- telemetry-write-cost, ${postgres.measuredAt}: ${postgres.walBytesPerPoint} B of WAL, ${postgres.storageBytesPerPoint} B stored, ${postgres.cpuMsPer1000Points} CPU ms per 1,000 points).`,
    `Assumed: ${Object.entries(ASSUMED)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')}; ingest ${'time per message'} from load-model.ts. See docs/deploy-aws.md.`,
  );
  return out.join('\n');
}

export function runCost(argv: readonly string[]): string {
  const { options: billOptions, json } = parseCostArgs(argv);
  const bill = monthlyBill(billOptions);
  return json ? JSON.stringify(bill, null, 2) : formatBill(bill, billOptions);
}
