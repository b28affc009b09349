// The service's own metrics on the operations dashboard and the alarms on them, and tracing switched
// on for every function of the ingest -> alarm -> escalation path and the escalation state machine.
import { counters, gauges, histograms } from '@plantwatch/functions/platform/metrics';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, plantwatchStack } from './support/stack.ts';

const { stack, template } = plantwatchStack();

/** What only the local runtime has (its embedded MQTT broker): IoT Core's figures stand in on AWS. */
const LOCAL_ONLY = ['broker_clients', 'gateway_connections'];

const dashboardBody = () => {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  return JSON.stringify(dashboard?.Properties.DashboardBody);
};

describe('the service metrics on the operations dashboard', () => {
  it('shows every metric of the catalogue the functions write (one set of names with /metrics)', () => {
    const body = dashboardBody();
    const names = [...Object.keys(counters), ...Object.keys(histograms), ...Object.keys(gauges)].filter(
      (name) => !LOCAL_ONLY.includes(name),
    );
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) expect(body, name).toContain(`"${name}"`.slice(1, -1));
  });

  it('splits labelled metrics by their labels with SEARCH in the Plantwatch namespace', () => {
    const body = dashboardBody();
    for (const search of [
      `{Plantwatch,service,reason} MetricName=\\\\\\"telemetry_dead_letters\\\\\\"`,
      `{Plantwatch,service,channel} MetricName=\\\\\\"pages_sent\\\\\\"`,
      `{Plantwatch,service,channel} MetricName=\\\\\\"page_failures\\\\\\"`,
      `{Plantwatch,service,outcome} MetricName=\\\\\\"report_runs\\\\\\"`,
      `{Plantwatch,service,method,route,status} MetricName=\\\\\\"http_requests\\\\\\"`,
      `{Plantwatch,service,method,route} MetricName=\\\\\\"http_request_seconds\\\\\\"`,
    ]) {
      expect(body).toContain(search);
    }
  });

  it('shows gateway connections from IoT Core (connects, refusals) beside the publishes', () => {
    const body = dashboardBody();
    for (const metric of ['Connect.Success', 'Connect.AuthError', 'PublishIn.Success']) {
      expect(body).toContain(`"AWS/IoT","${metric}","Protocol","MQTT"`.replaceAll('"', '\\"'));
    }
  });
});

describe('the alarms docs/operations.md asks for', () => {
  const topic = () => [{ Ref: logicalId(stack, stack.operations.alarmTopic) }];

  it('alarms when any telemetry was dead-lettered in the last hour (the total of every reason)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'telemetry_dead_letters',
      Namespace: 'Plantwatch',
      Dimensions: [{ Name: 'service', Value: 'plantwatch' }],
      Period: 3600,
      Statistic: 'Sum',
      Threshold: 0,
      AlarmActions: topic(),
    });
  });

  it('alarms on an ingest latency p99 over 2 s', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ingest_latency_seconds',
      Namespace: 'Plantwatch',
      ExtendedStatistic: 'p99',
      Threshold: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: topic(),
    });
  });

  it('alarms when gateways publish and no point is stored for 10 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(publishes > 0 AND FILL(stored, 0) == 0, 1, 0)' }),
        Match.objectLike({
          Id: 'publishes',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'PublishIn.Success', Namespace: 'AWS/IoT' }),
          }),
        }),
        Match.objectLike({
          Id: 'stored',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'telemetry_points_stored', Namespace: 'Plantwatch' }),
            Period: 600,
          }),
        }),
      ]),
      Threshold: 0,
      AlarmActions: topic(),
    });
  });

  it('alarms on a failed report run (its outcome failed, or error outside its record)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              MetricName: 'report_runs',
              Dimensions: Match.arrayWith([{ Name: 'outcome', Value: 'failed' }]),
            }),
          }),
        }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              MetricName: 'report_runs',
              Dimensions: Match.arrayWith([{ Name: 'outcome', Value: 'error' }]),
            }),
          }),
        }),
      ]),
    });
  });
});

describe('tracing on the ingest -> alarm -> escalation path', () => {
  it('has active X-Ray tracing on ingest, the alarm check, the four escalation tasks and the held pages flush', () => {
    const path = [
      stack.iot.ingestFunction,
      stack.alarmCheck.checkFunction,
      ...Object.values(stack.escalation.taskFunctions),
      stack.notifyFlush.flushFunction,
    ];
    expect(path).toHaveLength(7);
    const functions = template.findResources('AWS::Lambda::Function');
    for (const fn of path) {
      expect(functions[logicalId(stack, fn)]?.Properties.TracingConfig, fn.node.path).toEqual({
        Mode: 'Active',
      });
    }
  });

  it('traces the escalation state machine, so a chain is one trace across its task functions', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
    });
  });
});
