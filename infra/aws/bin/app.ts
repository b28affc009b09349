// The CDK app (cdk.json runs it with Node 24): one Plantwatch stack, checked by cdk-nag.
import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { PlantwatchStack } from '../src/plantwatch-stack.ts';
import { readSettings } from '../src/settings.ts';

const app = new App();
const settings = readSettings(app.node);
// No env: the template is account- and region-agnostic, so synth needs no credentials and no lookups.
new PlantwatchStack(app, 'Plantwatch', {
  settings,
  description: `Plantwatch: industrial monitoring (telemetry store: ${settings.telemetryStore})`,
});
Validations.of(app).addPlugins(new cdkNag.AwsSolutionsChecks(app, { verbose: true }));
app.synth();
