'use client';
// The alarm rule form, for adding and editing: the fields each kind needs, the tag chosen by site,
// then device, then tag (a device or gateway for communication loss), and the escalation policy.
// Field names are those alarm-rule-form.ts reads; errors from the API land beside their field.
import {
  type AlarmRuleKind,
  alarmRuleKinds,
  alarmSeverities,
  commLossScopes,
  comparisonOperators,
  digitalTriggers,
  limitLevels,
  MAX_WINDOW_SECONDS,
  MIN_WINDOW_SECONDS,
  rateDirections,
  totalizerInputs,
} from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { analogueKinds, comparisonValueTypes, type FormFields, tagKinds } from '../alarm-rule-form.ts';
import type { FormState } from '../form-state.ts';
import { CurveFields, type CurveTemplate } from './alarm-rule-curve-fields.tsx';
import { BacktestPanel } from './backtest-panel.tsx';
import { ActionForm, Field, SelectField } from './forms.tsx';

export interface RulePlant {
  sites: readonly { id: string; name: string }[];
  gateways: readonly { id: string; name: string; siteId: string }[];
  devices: readonly { id: string; name: string; siteId: string }[];
  tags: readonly { id: string; name: string; key: string; unit: string; deviceId: string }[];
  /** The sites' derived tags (KPIs): a rule watches one like any tag (absent where none is offered). */
  derivedTags?: readonly { id: string; name: string; siteId: string; key: string; unit: string }[];
  /** The tenant's curve templates, for curve rules (absent where no curve rule is made). */
  curves?: readonly CurveTemplate[];
}
/** The severities as select options, in the viewer's language. */
function useSeverityOptions() {
  const a = useTranslations('alarmRules');
  return alarmSeverities.map((s) => ({ value: s, label: a(`severities.${s}`) }));
}

/** The device choice that lists the site's derived tags (never a device id: those are UUIDs). */
const DERIVED = 'derived';

/** Site, then device (or gateway), then tag: each list narrowed by the choice before it. */
function WatchedFields(props: { kind: AlarmRuleKind; plant: RulePlant; initial: FormFields }) {
  const a = useTranslations('alarmRules');
  const { plant, initial } = props;
  // A site's derived tags (KPIs) are offered as one more "device" of the site, after its real ones.
  const derivedTags = plant.derivedTags ?? [];
  const initialDerived = derivedTags.find((t) => t.id === initial.tagId);
  const initialTag = plant.tags.find((t) => t.id === initial.tagId);
  const initialDevice = plant.devices.find((d) => d.id === (initial.deviceId ?? initialTag?.deviceId));
  const initialGateway = plant.gateways.find((g) => g.id === initial.gatewayId);
  const [siteId, setSiteId] = useState(
    initialDerived?.siteId ?? initialDevice?.siteId ?? initialGateway?.siteId ?? plant.sites[0]?.id ?? '',
  );
  const commLoss = props.kind === 'commLoss';
  const siteDerived = commLoss ? [] : derivedTags.filter((t) => t.siteId === siteId);
  const devices = [
    ...plant.devices.filter((d) => d.siteId === siteId),
    ...(siteDerived.length > 0 ? [{ id: DERIVED, name: a('derivedDevice'), siteId }] : []),
  ];
  const [deviceId, setDeviceId] = useState(
    initialDerived ? DERIVED : (initialDevice?.id ?? devices[0]?.id ?? ''),
  );
  const [scope, setScope] = useState(initial.scope ?? 'device');
  const gateways = plant.gateways.filter((g) => g.siteId === siteId);
  const siteDerivedTags = siteDerived.map((t) => ({ ...t, deviceId: DERIVED }));
  const tags = deviceId === DERIVED ? siteDerivedTags : plant.tags.filter((t) => t.deviceId === deviceId);
  // a curve's X may be any tag of the site (a flow meter on one PLC, the motor current on another)
  const deviceName = new Map(devices.map((d) => [d.id, d.name]));
  const siteTags = [...plant.tags, ...siteDerivedTags]
    .filter((t) => deviceName.has(t.deviceId))
    .map((t) => ({
      value: t.id,
      label: `${deviceName.get(t.deviceId)} › ${t.name} (${t.key}${t.unit ? `, ${t.unit}` : ''})`,
    }));
  const chooseSite = (id: string) => {
    setSiteId(id);
    const hasDerived = !commLoss && derivedTags.some((t) => t.siteId === id);
    setDeviceId(plant.devices.find((d) => d.siteId === id)?.id ?? (hasDerived ? DERIVED : ''));
  };
  return (
    <fieldset className="row">
      <legend>{a('watches')}</legend>
      {commLoss ? (
        <SelectField
          name="scope"
          label={a('scope')}
          defaultValue={scope}
          options={commLossScopes.map((s) => ({ value: s, label: a(`scopes.${s}`) }))}
          onChange={setScope}
        />
      ) : null}
      <SelectField
        name="siteId"
        label={a('site')}
        defaultValue={siteId}
        options={plant.sites.map((s) => ({ value: s.id, label: s.name }))}
        onChange={chooseSite}
      />
      {commLoss && scope === 'gateway' ? (
        <SelectField
          key={`gateway-${siteId}`}
          name="gatewayId"
          label={a('gateway')}
          defaultValue={initialGateway?.siteId === siteId ? initialGateway.id : gateways[0]?.id}
          options={gateways.map((g) => ({ value: g.id, label: g.name }))}
        />
      ) : (
        <SelectField
          key={`device-${siteId}`}
          name="deviceId"
          label={a('device')}
          defaultValue={deviceId}
          options={devices.map((d) => ({ value: d.id, label: d.name }))}
          onChange={setDeviceId}
        />
      )}
      {commLoss ? null : (
        <SelectField
          key={`tag-${deviceId}`}
          name="tagId"
          label={a(props.kind === 'curve' ? 'yTag' : 'tag')}
          hint={tags.length === 0 ? a('noTagsHere') : undefined}
          defaultValue={initialTag?.deviceId === deviceId ? initialTag.id : tags[0]?.id}
          options={tags.map((t) => ({
            value: t.id,
            label: `${t.name} (${t.key}${t.unit ? `, ${t.unit}` : ''})`,
          }))}
        />
      )}
      {props.kind === 'curve' ? (
        <SelectField
          key={`x-${siteId}`}
          name="xTagId"
          label={a('xTag')}
          defaultValue={initial.xTagId ?? siteTags[0]?.value}
          options={siteTags}
        />
      ) : null}
    </fieldset>
  );
}

function LimitFields({ initial }: { initial: FormFields }) {
  const severityOptions = useSeverityOptions();
  const a = useTranslations('alarmRules');
  const ticked = limitLevels.some((level) => initial[`levels.${level}.on`] === 'on');
  return (
    <fieldset>
      <legend>{a('levelsLegend')}</legend>
      {limitLevels.map((level) => {
        const label = a(`levels.${level}`);
        const on = ticked ? initial[`levels.${level}.on`] === 'on' : level === 'hi';
        return (
          <div key={level} className="row">
            <Field
              name={`levels.${level}.on`}
              label={a('levelOn', { level: label })}
              type="checkbox"
              defaultChecked={on}
            />
            <Field
              name={`levels.${level}.threshold`}
              label={a('threshold', { level: label })}
              type="number"
              step="any"
              defaultValue={initial[`levels.${level}.threshold`]}
            />
            <SelectField
              name={`levels.${level}.severity`}
              label={a('levelSeverity', { level: label })}
              defaultValue={
                initial[`levels.${level}.severity`] ??
                (level === 'hihi' || level === 'lolo' ? 'critical' : 'high')
              }
              options={severityOptions}
            />
            <Field
              name={`levels.${level}.name`}
              label={a('levelName', { level: label })}
              hint={level === 'hihi' ? a('levelNameHint') : undefined}
              defaultValue={initial[`levels.${level}.name`]}
            />
            <Field
              name={`levels.${level}.deadband`}
              label={a('levelDeadband', { level: label })}
              hint={level === 'hihi' ? a('levelTimingHint') : undefined}
              type="number"
              step="any"
              min={0}
              defaultValue={initial[`levels.${level}.deadband`]}
            />
            <Field
              name={`levels.${level}.onDelayMs`}
              label={a('levelOnDelay', { level: label })}
              type="number"
              step={1}
              min={0}
              defaultValue={initial[`levels.${level}.onDelayMs`]}
            />
            <Field
              name={`levels.${level}.offDelayMs`}
              label={a('levelOffDelay', { level: label })}
              type="number"
              step={1}
              min={0}
              defaultValue={initial[`levels.${level}.offDelayMs`]}
            />
          </div>
        );
      })}
    </fieldset>
  );
}

/** The fields of one kind beside the severity (a limit stack has a severity per level instead). */
function KindFields(props: { kind: AlarmRuleKind; initial: FormFields; curves: readonly CurveTemplate[] }) {
  const { kind, initial } = props;
  const severityOptions = useSeverityOptions();
  const a = useTranslations('alarmRules');
  if (kind === 'limit') return <LimitFields initial={initial} />;
  const severity = (
    <SelectField
      name="severity"
      label={a('severity')}
      defaultValue={initial.severity ?? 'high'}
      options={severityOptions}
    />
  );
  return (
    <div className="row">
      {severity}
      {kind === 'comparison' ? (
        <>
          <SelectField
            name="op"
            label={a('operator')}
            defaultValue={initial.op ?? '>'}
            options={comparisonOperators.map((op) => ({ value: op, label: op }))}
          />
          <Field name="value" label={a('value')} required defaultValue={initial.value} />
          <SelectField
            name="valueType"
            label={a('valueType')}
            defaultValue={initial.valueType ?? 'number'}
            options={comparisonValueTypes.map((t) => ({ value: t, label: a(`valueTypes.${t}`) }))}
          />
        </>
      ) : null}
      {kind === 'digital' ? (
        <SelectField
          name="trigger"
          label={a('trigger')}
          defaultValue={initial.trigger ?? 'true'}
          options={digitalTriggers.map((t) => ({ value: t, label: a(`triggers.${t}`) }))}
        />
      ) : null}
      {kind === 'rateOfChange' ? (
        <>
          <Field
            name="perMinute"
            label={a('perMinute')}
            type="number"
            step="any"
            min={0}
            required
            defaultValue={initial.perMinute}
          />
          <SelectField
            name="direction"
            label={a('direction')}
            defaultValue={initial.direction ?? 'either'}
            options={rateDirections.map((d) => ({ value: d, label: a(`directions.${d}`) }))}
          />
        </>
      ) : null}
      {kind === 'totalizer' ? (
        <SelectField
          name="input"
          label={a('input')}
          defaultValue={initial.input ?? 'ratePerHour'}
          options={totalizerInputs.map((i) => ({ value: i, label: a(`inputs.${i}`) }))}
        />
      ) : null}
      {kind === 'counter' ? (
        <Field
          name="state"
          label={a('countState')}
          hint={a('countStateHint')}
          defaultValue={initial.state ?? 'true'}
        />
      ) : null}
      {kind === 'totalizer' || kind === 'counter' ? (
        <>
          <Field
            name="windowSeconds"
            label={a('windowSeconds')}
            hint={a('windowHint')}
            type="number"
            min={MIN_WINDOW_SECONDS}
            max={MAX_WINDOW_SECONDS}
            step={1}
            required
            defaultValue={initial.windowSeconds ?? '3600'}
          />
          <Field
            name="threshold"
            label={a(kind === 'totalizer' ? 'totalThreshold' : 'countThreshold')}
            type="number"
            step={kind === 'totalizer' ? 'any' : 1}
            min={kind === 'totalizer' ? 0 : 1}
            required
            defaultValue={initial.threshold}
          />
        </>
      ) : null}
      {kind === 'curve' ? <CurveFields initial={initial} curves={props.curves} /> : null}
      {kind === 'commLoss' ? (
        <Field
          name="afterSeconds"
          label={a('afterSeconds')}
          type="number"
          min={5}
          max={86400}
          required
          defaultValue={initial.afterSeconds ?? '60'}
        />
      ) : null}
    </div>
  );
}

export function AlarmRuleForm(props: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  label: string;
  submitLabel: string;
  pendingLabel: string;
  plant: RulePlant;
  policies: readonly { id: string; name: string }[];
  /** The saved rule's fields when editing; its kind and what it watches are then fixed. */
  initial?: FormFields;
  /** When editing: what the rule watches, in words. */
  watched?: string;
  /** When editing: the rule's last change, so the fields show the saved rule after Save. */
  version?: string;
}) {
  return (
    <ActionForm
      action={props.action}
      label={props.label}
      submitLabel={props.submitLabel}
      pendingLabel={props.pendingLabel}
    >
      <div key={props.version} className="form">
        <AlarmRuleFields {...props} />
      </div>
    </ActionForm>
  );
}

function AlarmRuleFields(props: {
  plant: RulePlant;
  policies: readonly { id: string; name: string }[];
  /** The saved rule's fields when editing; its kind and what it watches are then fixed. */
  initial?: FormFields;
  /** When editing: what the rule watches, in words. */
  watched?: string;
}) {
  const a = useTranslations('alarmRules');
  const t = useTranslations();
  const initial = props.initial ?? {};
  const editing = props.initial !== undefined;
  const [kind, setKind] = useState<AlarmRuleKind>((initial.kind as AlarmRuleKind | undefined) ?? 'limit');
  return (
    <>
      {editing ? (
        <p>
          {a(`kinds.${kind}`)}: {props.watched} <small className="hint">{a('kindFixed')}</small>
        </p>
      ) : (
        <>
          <SelectField
            name="kind"
            label={a('kind')}
            defaultValue={kind}
            options={alarmRuleKinds.map((k) => ({ value: k, label: a(`kinds.${k}`) }))}
            onChange={(value) => setKind(value as AlarmRuleKind)}
          />
          <WatchedFields
            key={tagKinds.includes(kind) ? 'tag' : 'other'}
            kind={kind}
            plant={props.plant}
            initial={initial}
          />
        </>
      )}
      <Field name="name" label={t('config.name')} required defaultValue={initial.name} />
      <Field name="description" label={t('config.description')} defaultValue={initial.description} />
      <KindFields kind={kind} initial={initial} curves={props.plant.curves ?? []} />
      <fieldset className="row">
        <legend>{a('timing')}</legend>
        {analogueKinds.includes(kind) ? (
          <Field
            name="deadband"
            label={a('deadband')}
            hint={a('deadbandHint')}
            type="number"
            step="any"
            min={0}
            defaultValue={initial.deadband ?? '0'}
          />
        ) : null}
        <Field
          name="onDelayMs"
          label={a('onDelayMs')}
          hint={a('delayHint')}
          type="number"
          min={0}
          step={1}
          defaultValue={initial.onDelayMs ?? '0'}
        />
        <Field
          name="offDelayMs"
          label={a('offDelayMs')}
          type="number"
          min={0}
          step={1}
          defaultValue={initial.offDelayMs ?? '0'}
        />
      </fieldset>
      <SelectField
        name="escalationPolicyId"
        label={a('policy')}
        defaultValue={initial.escalationPolicyId ?? ''}
        options={[
          { value: '', label: a('noPolicy') },
          ...props.policies.map((p) => ({ value: p.id, label: p.name })),
        ]}
      />
      <Field
        name="repageHoldOffMinutes"
        label={a('repageHoldOff')}
        hint={a('repageHoldOffHint')}
        type="number"
        min={0}
        max={1440}
        step={1}
        defaultValue={initial.repageHoldOffMinutes ?? '15'}
      />
      <Field
        name="enabled"
        label={a('enabledField')}
        type="checkbox"
        defaultChecked={editing ? initial.enabled === 'on' : true}
      />
      {kind === 'commLoss' ? null : (
        <BacktestPanel {...(editing && initial.tagId ? { fixed: { kind, tagId: initial.tagId } } : {})} />
      )}
    </>
  );
}
