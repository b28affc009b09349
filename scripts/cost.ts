// `npm run cost -- --sites 1000 --tags 200 --poll 1s --change 0.1`: the monthly AWS bill of a
// deployment, line by line, from the measured traffic and the dated price list (infra/aws/src/cost).
// `--help` lists the flags; a bad flag exits 2 naming it.
import { CostArgumentError, runCost } from '../infra/aws/src/cost/cli.ts';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(
    [
      'usage: npm run cost -- [--sites N] [--tags N] [--poll 1s] [--change 0.1] [--publish 5s]',
      '                       [--store postgres|timestream] [--queue kinesis|sqs] [--basic-ingest yes|no]',
      '                       [--dashboard-hours H] [--sms N] [--raw-days D] [--memory-hours H] [--aurora-min-acu A] [--json]',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
try {
  process.stdout.write(`${runCost(argv)}\n`);
} catch (error) {
  if (!(error instanceof CostArgumentError)) throw error;
  process.stderr.write(`cost: ${error.message}\n`);
  process.exit(2);
}
