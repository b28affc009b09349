'use client';
// The report definition form, for adding and editing: name, what it covers (sites, their areas and
// equipment, devices, tags the viewer can see), period, bucket, values per tag, sections, formats, recipients, schedule,
// time zone and whether it runs. Field names are those report-form.ts reads.
import {
  type ReportScheduleTiming,
  reportBuckets,
  reportFormats,
  reportMetrics,
  reportSections,
} from '@plantwatch/shared';
import { useLocale, useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import type { FormState } from '../form-state.ts';
import { weekdayNames } from '../i18n/weekdays.ts';
import {
  periodChoices,
  type ReportFormValues,
  reportScopeTree,
  type ScopeAssetSite,
  scopeAssetIds,
} from '../report-form.ts';
import type { RulePlant } from './alarm-rule-form.tsx';
import { ActionForm, Field, SelectField } from './forms.tsx';
import { ReportAssetPicker } from './report-asset-picker.tsx';

/** Checkboxes sharing one name, with the list's error beside its legend. */
function CheckboxGroup(props: {
  name: string;
  legend: string;
  options: readonly { value: string; label: string }[];
  checked: readonly string[];
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <fieldset className="checks" aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.options.map((option, index) => (
        <label key={option.value} htmlFor={`${id}-${index}`} className="check">
          <input
            id={`${id}-${index}`}
            type="checkbox"
            name={props.name}
            value={option.value}
            defaultChecked={props.checked.includes(option.value)}
          />{' '}
          {option.label}
        </label>
      ))}
      {props.error ? (
        <small id={`${id}-error`} className="field-error">
          {props.error}
        </small>
      ) : null}
    </fieldset>
  );
}

function ScopeFields(props: {
  plant: RulePlant;
  assets: readonly ScopeAssetSite[];
  values: ReportFormValues;
  errors: Record<string, string>;
}) {
  const r = useTranslations('reports');
  const id = useId();
  const { plant, values, errors } = props;
  const box = (name: string, value: string, label: string) => (
    <label htmlFor={`${id}-${value}`} className="check">
      <input
        id={`${id}-${value}`}
        type="checkbox"
        name={name}
        value={value}
        defaultChecked={values.lists[name as keyof ReportFormValues['lists']].includes(value)}
      />{' '}
      {label}
    </label>
  );
  const chosenAssets = values.lists['scope.assetIds'];
  const assetIdsOf = new Map(props.assets.map((site) => [site.siteId, new Set(scopeAssetIds(site.assets))]));
  const offered = new Set(props.assets.flatMap((site) => [...(assetIdsOf.get(site.siteId) ?? [])]));
  // the site's areas and equipment first: how people in the plant name what a report is about
  const assetPicker = (site: { id: string; name: string }) => {
    const tree = props.assets.find((one) => one.siteId === site.id)?.assets ?? [];
    const ids = assetIdsOf.get(site.id);
    return tree.length > 0 ? (
      <li>
        <ReportAssetPicker
          siteName={site.name}
          assets={tree}
          initial={chosenAssets.filter((assetId) => ids?.has(assetId))}
        />
      </li>
    ) : null;
  };
  const described = [
    `${id}-hint`,
    errors.scope ? `${id}-error` : '',
    errors['scope.assetIds'] ? `${id}-assets-error` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <fieldset className="checks" aria-describedby={described}>
      <legend>{r('scope')}</legend>
      <small id={`${id}-hint`} className="hint">
        {r('scopeHint')}
      </small>
      {errors.scope ? (
        <small id={`${id}-error`} className="field-error">
          {errors.scope}
        </small>
      ) : null}
      {errors['scope.assetIds'] ? (
        <small id={`${id}-assets-error`} className="field-error">
          {errors['scope.assetIds']}
        </small>
      ) : null}
      {/* an asset the picker does not offer (not in a tree this viewer reads) is kept as it is */}
      {chosenAssets
        .filter((assetId) => !offered.has(assetId))
        .map((assetId) => (
          <input key={assetId} type="hidden" name="scope.assetIds" value={assetId} />
        ))}
      <ul className="scope-tree">
        {reportScopeTree(plant).map(({ site, devices, derivedTags }) => (
          <li key={site.id}>
            {box('scope.siteIds', site.id, r('wholeSite', { site: site.name }))}
            <ul>
              {assetPicker(site)}
              {devices.length > 0 ? (
                <li className="scope-group">
                  <span>{r('devicesOf', { site: site.name })}</span>
                  <ul>
                    {devices.map(({ device, tags }) => (
                      <li key={device.id}>
                        {box('scope.deviceIds', device.id, device.name)}
                        <ul>
                          {tags.map((tag) => (
                            <li key={tag.id}>{box('scope.tagIds', tag.id, `${tag.name} (${tag.key})`)}</li>
                          ))}
                        </ul>
                      </li>
                    ))}
                  </ul>
                </li>
              ) : null}
              {derivedTags.length > 0 ? (
                <li className="scope-group">
                  <span>{r('derivedTagsOf', { site: site.name })}</span>
                  <ul>
                    {derivedTags.map((tag) => (
                      <li key={tag.id}>{box('scope.tagIds', tag.id, `${tag.name} (${tag.key})`)}</li>
                    ))}
                  </ul>
                </li>
              ) : null}
            </ul>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function ScheduleFields({ fields }: { fields: Record<string, string> }) {
  const r = useTranslations('reports');
  const locale = useLocale();
  const [kind, setKind] = useState<ReportScheduleTiming['kind']>(
    (fields['schedule.kind'] as ReportScheduleTiming['kind'] | undefined) ?? 'daily',
  );
  return (
    <fieldset className="row">
      <legend>{r('schedule')}</legend>
      <SelectField
        name="schedule.kind"
        label={r('schedule')}
        defaultValue={kind}
        options={(['hourly', 'daily', 'weekly', 'monthly', 'cron'] as const).map((k) => ({
          value: k,
          label: r(`scheduleKinds.${k}`),
        }))}
        onChange={(value) => setKind(value as ReportScheduleTiming['kind'])}
      />
      {kind === 'hourly' ? (
        <Field
          name="schedule.minute"
          label={r('minute')}
          type="number"
          min={0}
          max={59}
          defaultValue={fields['schedule.minute'] ?? '0'}
        />
      ) : null}
      {kind === 'weekly' ? (
        <SelectField
          name="schedule.dayOfWeek"
          label={r('dayOfWeek')}
          defaultValue={fields['schedule.dayOfWeek'] ?? '1'}
          options={weekdayNames(locale).map((day, index) => ({ value: String(index), label: day }))}
        />
      ) : null}
      {kind === 'monthly' ? (
        <Field
          name="schedule.dayOfMonth"
          label={r('dayOfMonth')}
          type="number"
          min={1}
          max={28}
          defaultValue={fields['schedule.dayOfMonth'] ?? '1'}
        />
      ) : null}
      {kind === 'daily' || kind === 'weekly' || kind === 'monthly' ? (
        <Field name="schedule.at" label={r('at')} defaultValue={fields['schedule.at'] ?? '06:00'} required />
      ) : null}
      {kind === 'cron' ? (
        <Field
          name="schedule.expression"
          label={r('expression')}
          hint={r('expressionHint')}
          defaultValue={fields['schedule.expression'] ?? '0 6 * * 1'}
          required
        />
      ) : null}
    </fieldset>
  );
}

/** The lists of fixed choices: values per tag, sections, formats. */
const choiceListsOf = (r: ReturnType<typeof useTranslations<'reports'>>) =>
  [
    {
      name: 'metrics',
      legend: r('metrics'),
      options: reportMetrics.map((m) => ({ value: m, label: r(`metricNames.${m}`) })),
    },
    {
      name: 'sections',
      legend: r('sections'),
      options: reportSections.map((s) => ({ value: s, label: r(`sectionNames.${s}`) })),
    },
    {
      name: 'formats',
      legend: r('formats'),
      options: reportFormats.map((f) => ({ value: f, label: r(`formatNames.${f}`) })),
    },
  ] as const;

const emptyValues: ReportFormValues = {
  fields: { bucket: 'hour', period: 'last-day', 'schedule.kind': 'daily', enabled: 'on' },
  lists: {
    'scope.siteIds': [],
    'scope.deviceIds': [],
    'scope.tagIds': [],
    'scope.assetIds': [],
    metrics: ['avg', 'min', 'max'],
    sections: ['summary', 'trends', 'table'],
    formats: ['pdf'],
  },
};

export function ReportForm(props: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  label: string;
  submitLabel: string;
  pendingLabel: string;
  plant: RulePlant;
  /** Each site's asset tree, for choosing areas and equipment. */
  assets: readonly ScopeAssetSite[];
  /** The organisation's time zone, used when the report's is left empty. */
  defaultZone: string;
  initial?: ReportFormValues;
  /** When editing: the report's last change, so the fields show the saved report after Save. */
  version?: string;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  return (
    <ActionForm
      action={props.action}
      label={props.label}
      submitLabel={props.submitLabel}
      pendingLabel={props.pendingLabel}
      onDone={(state) => setErrors(state.fieldErrors ?? {})}
    >
      <div key={props.version} className="form">
        <ReportFields
          plant={props.plant}
          assets={props.assets}
          defaultZone={props.defaultZone}
          values={props.initial ?? emptyValues}
          errors={errors}
        />
      </div>
    </ActionForm>
  );
}

function ReportFields(props: {
  plant: RulePlant;
  assets: readonly ScopeAssetSite[];
  defaultZone: string;
  values: ReportFormValues;
  errors: Record<string, string>;
}) {
  const r = useTranslations('reports');
  const { values, errors } = props;
  const { fields, lists } = values;
  const [period, setPeriod] = useState(fields.period ?? 'last-day');
  return (
    <>
      <Field name="name" label={r('name')} required defaultValue={fields.name} />
      <ScopeFields plant={props.plant} assets={props.assets} values={values} errors={errors} />
      <div className="row">
        <SelectField
          name="period"
          label={r('period')}
          defaultValue={period}
          options={periodChoices.map((p) => ({ value: p, label: r(`periods.${p}`) }))}
          onChange={setPeriod}
        />
        {period === 'custom' ? (
          <>
            <Field
              name="period.from"
              label={r('from')}
              hint={r('fixedHint')}
              type="datetime-local"
              defaultValue={fields['period.from']}
              required
            />
            <Field
              name="period.to"
              label={r('to')}
              type="datetime-local"
              defaultValue={fields['period.to']}
              required
            />
          </>
        ) : null}
        <SelectField
          name="bucket"
          label={r('bucket')}
          defaultValue={fields.bucket ?? 'hour'}
          options={reportBuckets.map((b) => ({ value: b, label: r(`buckets.${b}`) }))}
        />
      </div>
      {choiceListsOf(r).map((list) => (
        <CheckboxGroup
          key={list.name}
          name={list.name}
          legend={list.legend}
          options={list.options}
          checked={lists[list.name]}
          error={errors[list.name]}
        />
      ))}
      <RecipientsField defaultValue={fields.recipients} error={errors.recipients} />
      <ScheduleFields fields={fields} />
      <Field
        name="timeZone"
        label={r('timeZone')}
        hint={r('timeZoneHint', { zone: props.defaultZone })}
        placeholder={props.defaultZone}
        defaultValue={fields.timeZone}
      />
      <Field
        name="enabled"
        label={r('enabledField')}
        type="checkbox"
        defaultChecked={fields.enabled === 'on'}
      />
    </>
  );
}

/** Addresses one per line; a textarea with its hint and the list's error. */
function RecipientsField(props: { defaultValue?: string | undefined; error?: string | undefined }) {
  const r = useTranslations('reports');
  const t = useTranslations();
  const id = useId();
  const described = [`${id}-hint`, props.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>
        {r('recipients')}
        <span className="req"> ({t('common.required')})</span>
      </label>
      <textarea
        id={id}
        name="recipients"
        rows={3}
        defaultValue={props.defaultValue}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described}
      />
      <small id={`${id}-hint`} className="hint">
        {r('recipientsHint')}
      </small>
      {props.error ? (
        <small id={`${id}-error`} className="field-error">
          {props.error}
        </small>
      ) : null}
    </div>
  );
}
