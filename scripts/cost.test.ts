// `npm run cost`: the bill adds up, follows the load, rests on the measured traffic, compares the
// queues, and refuses bad flags by name.
import { readFileSync } from 'node:fs';
import { AWS_STATUS_INTERVAL_SECONDS } from '@plantwatch/functions/plant/adapters/aws/iot-provisioning';
import { describe, expect, it } from 'vitest';
import { ASSUMED, monthlyBill } from '../infra/aws/src/cost/bill.ts';
import { CostArgumentError, parseCostArgs, runCost } from '../infra/aws/src/cost/cli.ts';
import { PRICES } from '../infra/aws/src/cost/prices.ts';
import { DEFAULT_LOAD, trafficOf } from '../infra/aws/src/load-model.ts';
import measured from '../infra/aws/src/measured-traffic.json' with { type: 'json' };

const billFor = (argv: string[]) => monthlyBill(parseCostArgs(argv).options);

describe('npm run cost', () => {
  it('prints every line with its arithmetic and a total that is their sum', () => {
    const bill = billFor(['--sites', '1000', '--tags', '200', '--poll', '1s', '--change', '0.1']);
    const sum = bill.lines.reduce((total, line) => total + line.usd, 0);

    expect(bill.total).toBeCloseTo(sum, 1);
    expect(bill.perThousandTags).toBeCloseTo((bill.total / 200_000) * 1000, 2);
    for (const line of bill.lines) {
      expect(line.usd, line.item).toBeGreaterThanOrEqual(0);
      expect(line.arithmetic.length, line.item).toBeGreaterThan(5);
    }
    const text = runCost(['--sites', '1000', '--tags', '200', '--poll', '1s', '--change', '0.1']);
    expect(text).toMatch(/^total \$[\d,]+\.\d\d a month; \$[\d,.]+ per 1,000 tags/m);
    for (const item of [
      'IoT Core',
      'IoT rule',
      'Kinesis',
      'Lambda: ingest',
      'Aurora',
      'NAT',
      'CloudWatch Logs',
      'X-Ray',
      'CloudFront',
      'SMS',
    ]) {
      expect(text).toContain(item);
    }
  });

  it('rests on what the gateway bench measured: its site gives the points and messages it counted', () => {
    const site = { ...DEFAULT_LOAD, sites: 1, tagsPerSite: 200, publishSeconds: 5 };
    const traffic = trafficOf(site);
    const atFive = measured.intervals.find((i) => i.publishIntervalMs === 5000);
    if (!atFive) throw new Error('the bench measured a 5 s interval');
    expect(traffic.pointsPerSecond).toBeGreaterThan(atFive.pointsPerSecond * 0.9);
    expect(traffic.pointsPerSecond).toBeLessThan(atFive.pointsPerSecond * 1.1);
    expect(traffic.messagesPerSecond).toBeCloseTo(atFive.messagesPerSecond, 2);
    expect(traffic.messageBytes).toBeGreaterThan(atFive.messageBytes * 0.9);
    expect(traffic.messageBytes).toBeLessThan(atFive.messageBytes * 1.1);
  });

  it('grows with the fleet, and Basic Ingest saves exactly the messaging charge of the telemetry', () => {
    const small = billFor(['--sites', '10']);
    const large = billFor(['--sites', '1000']);
    expect(large.total).toBeGreaterThan(small.total);
    const withBroker = billFor(['--sites', '1000', '--basic-ingest', 'no']);
    const messages = large.traffic.messagesPerSecond * 730 * 3600;
    const units = Math.ceil(large.traffic.messageBytes / PRICES.iot.messagingUnitBytes);
    expect(withBroker.total - large.total).toBeCloseTo(
      (messages * units * PRICES.iot.messagingPerMillion) / 1e6,
      0,
    );
  });

  it('compares the queues: a stream is cheaper than SQS at 1,000 sites, SQS at 10', () => {
    const cost = (sites: string, queue: string) =>
      billFor(['--sites', sites]).alternatives.find((a) => a.queue.startsWith(queue))?.usd ?? Number.NaN;
    expect(cost('1000', 'Kinesis')).toBeLessThan(cost('1000', 'SQS'));
    expect(cost('10', 'SQS')).toBeLessThan(cost('10', 'Kinesis'));
  });

  it('prices gateway status as often as AWS provisioning asks gateways to send it', () => {
    expect(ASSUMED.statusSeconds).toBe(AWS_STATUS_INTERVAL_SECONDS);
  });

  it('is what docs/deploy-aws.md quotes: the total at 10, 100 and 1,000 sites, the whole bill at 1,000, the figures cited', () => {
    const runbook = readFileSync(new URL('../docs/deploy-aws.md', import.meta.url), 'utf8');
    const load = ['--tags', '200', '--poll', '1s', '--change', '0.1'];
    const totalOf = (argv: string[]) => /^total .*$/m.exec(runCost([...load, ...argv]))?.[0] ?? '';
    for (const sites of ['10', '100', '1000']) {
      expect(runbook).toContain(`\`${totalOf(['--sites', sites])}\``);
    }
    expect(runbook).toContain(`\`\`\`text\n${runCost(['--sites', '1000', ...load])}\n\`\`\``);
    const perThousand = (argv: string[]) =>
      `$${billFor(['--sites', '1000', ...load, ...argv]).perThousandTags.toFixed(2)}`;
    const serviceOnly = ['--dashboard-hours', '0', '--sms', '0'];
    expect(runbook).toContain(`**${perThousand(serviceOnly)}**\nfor the service alone`);
    expect(runbook).toContain(`**${perThousand([...serviceOnly, '--raw-days', '7'])}** keeping 7 days`);
    expect(runbook).toContain(`comes to ${perThousand([...serviceOnly, '--store', 'timestream'])}`);
  });

  it('refuses a bad or unknown flag, naming it', () => {
    expect(() => parseCostArgs(['--poll', 'soon'])).toThrow(
      '--poll: must be a duration such as 1s, 500ms or 2m',
    );
    expect(() => parseCostArgs(['--change', '2'])).toThrow(/--change: .*1/);
    expect(() => parseCostArgs(['--store', 'influx'])).toThrow(/--store: /);
    expect(() => parseCostArgs(['--shards', '3'])).toThrow(CostArgumentError);
    expect(() => parseCostArgs(['--shards', '3'])).toThrow(/'--shards'/);
  });
});
