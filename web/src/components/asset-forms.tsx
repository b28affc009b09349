'use client';
// The asset edit forms' parts (issue 21): an asset's attributes and documents, its measurements with
// the tag or derived tag each reads, a choice of parent, an asset made from a model (each measurement
// bound by the model's pattern, by hand or not at all), and a model's measurement rows.
import type { AssetDocument, AssetMeasurement, AssetModel } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { BY_PATTERN, RULES_SHAPE, UNBOUND } from '../asset-form.ts';
import type { FormState } from '../form-state.ts';
import { ActionForm, Field, SelectField, useFieldError } from './forms.tsx';

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

/** What a measurement can read, as the page read it (server/asset-data.ts). */
export interface TagGroup {
  label: string;
  derived: boolean;
  tags: { id: string; name: string; key: string; unit: string }[];
}

export interface AttributeValues {
  name: string;
  level: string;
  make: string;
  model: string;
  serial: string;
  installDate: string | null;
  documents: AssetDocument[];
}

/** An asset's own fields, with one empty document row more than it has. */
export function AttributeFields({ asset }: { asset?: AttributeValues }) {
  const t = useTranslations();
  const documents = asset?.documents ?? [];
  const rows = Math.min(50, documents.length + 1);
  return (
    <>
      <Field name="name" label={t('assetEdit.name')} required defaultValue={asset?.name ?? ''} />
      <Field
        name="level"
        label={t('assets.level')}
        hint={t('assetEdit.levelHint')}
        defaultValue={asset?.level ?? ''}
      />
      <Field name="make" label={t('assets.make')} defaultValue={asset?.make ?? ''} />
      <Field name="model" label={t('assets.modelNumber')} defaultValue={asset?.model ?? ''} />
      <Field name="serial" label={t('assets.serial')} defaultValue={asset?.serial ?? ''} />
      <Field
        name="installDate"
        label={t('assets.installDate')}
        type="date"
        defaultValue={asset?.installDate ?? ''}
      />
      <fieldset>
        <legend>{t('assets.documents')}</legend>
        <input type="hidden" name="documentsRows" value={rows} />
        <p className="hint">{t('assetEdit.documentsHint')}</p>
        {Array.from({ length: rows }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the form, not items
          <div key={i} className="row asset-row">
            <Field
              name={`documents.${i}.title`}
              label={t('assetEdit.documentTitle', { n: i + 1 })}
              defaultValue={documents[i]?.title ?? ''}
            />
            <Field
              name={`documents.${i}.url`}
              label={t('assetEdit.documentUrl', { n: i + 1 })}
              type="url"
              placeholder="https://"
              defaultValue={documents[i]?.url ?? ''}
            />
          </div>
        ))}
      </fieldset>
    </>
  );
}

/** A select of the site's tags by device, then its derived tags; `extra` options come first. */
function TagSelect(props: {
  name: string;
  label: string;
  groups: readonly TagGroup[];
  defaultValue: string;
  extra: { value: string; label: string }[];
}) {
  const t = useTranslations();
  const id = useId();
  const error = useFieldError(props.name);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        defaultValue={props.defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        {props.extra.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
        {props.groups.map((group) => (
          <optgroup
            key={group.derived ? '$derived' : group.label}
            label={group.derived ? t('assetEdit.derivedTags') : group.label}
          >
            {group.tags.map((tag) => (
              <option key={tag.id} value={tag.id}>
                {`${tag.name} (${tag.key}${tag.unit ? `, ${tag.unit}` : ''})`}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {error ? (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** The measurements form: one row per measurement and two empty ones to add more. */
export function MeasurementsForm(props: {
  action: Action;
  measurements: readonly AssetMeasurement[];
  groups: readonly TagGroup[];
  /** The asset's last change: the rows show the saved list after Save, the status line stays. */
  version: string;
}) {
  const t = useTranslations();
  const rows = Math.min(200, props.measurements.length + 2);
  return (
    <ActionForm
      action={props.action}
      label={t('assets.measurements')}
      submitLabel={t('assetEdit.saveMeasurements')}
      pendingLabel={t('config.saving')}
    >
      <input type="hidden" name="measurementsRows" value={rows} />
      <p className="hint">{t('assetEdit.measurementsHint')}</p>
      <div key={props.version} className="form">
        {Array.from({ length: rows }, (_, i) => {
          const measurement = props.measurements[i];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the form, not items
            <fieldset key={`${i}:${measurement?.name ?? ''}`} className="row asset-row">
              <legend>{measurement ? measurement.name : t('assetEdit.newMeasurement')}</legend>
              <Field
                name={`measurements.${i}.name`}
                label={t('assetEdit.measurementName', { n: i + 1 })}
                defaultValue={measurement?.name ?? ''}
              />
              <Field
                name={`measurements.${i}.unit`}
                label={t('assetEdit.measurementUnit', { n: i + 1 })}
                defaultValue={measurement?.unit ?? ''}
              />
              <TagSelect
                name={`measurements.${i}.tagId`}
                label={t('assetEdit.measurementTag', { n: i + 1 })}
                groups={props.groups}
                defaultValue={measurement?.tagId ?? ''}
                extra={[{ value: '', label: t('assetEdit.notBound') }]}
              />
            </fieldset>
          );
        })}
      </div>
    </ActionForm>
  );
}

/** The parent to put an asset under: the top of the site or another asset (by path). */
export function ParentSelect(props: {
  choices: readonly { id: string; path: string }[];
  defaultValue: string;
  label?: string;
}) {
  const t = useTranslations();
  return (
    <SelectField
      name="parentId"
      label={props.label ?? t('assetEdit.parent')}
      defaultValue={props.defaultValue}
      options={[
        { value: '', label: t('assetEdit.topOfSite') },
        ...props.choices.map((choice) => ({ value: choice.id, label: choice.path })),
      ]}
    />
  );
}

/** An asset from a model: the model's measurements, each bound by its pattern, by hand or not at all. */
export function FromModelForm(props: {
  action: Action;
  models: readonly AssetModel[];
  parents: readonly { id: string; path: string }[];
  parentId: string;
  groups: readonly TagGroup[];
}) {
  const t = useTranslations();
  const [modelId, setModelId] = useState(props.models[0]?.id ?? '');
  const model = props.models.find((candidate) => candidate.id === modelId);
  return (
    <ActionForm
      action={props.action}
      label={t('assetEdit.fromModel')}
      submitLabel={t('assetEdit.createFromModel')}
      pendingLabel={t('config.adding')}
    >
      <SelectField
        name="assetModelId"
        label={t('assetEdit.model')}
        defaultValue={modelId}
        options={props.models.map((candidate) => ({ value: candidate.id, label: candidate.name }))}
        onChange={setModelId}
      />
      <ParentSelect choices={props.parents} defaultValue={props.parentId} />
      <Field name="name" label={t('assetEdit.name')} required />
      <Field name="key" label={t('assetEdit.key')} hint={t('assetEdit.keyHint', { placeholder: '{key}' })} />
      {model ? (
        <fieldset key={model.id}>
          <legend>{t('assetEdit.bindings')}</legend>
          <input
            type="hidden"
            name="measurementNames"
            value={model.measurements.map((m) => m.name).join('\n')}
          />
          <p className="hint">{t('assetEdit.bindingsHint')}</p>
          {model.measurements.map((measurement, i) => (
            <TagSelect
              key={measurement.name}
              name={`bindings.${i}`}
              label={`${measurement.name}${measurement.tagPattern ? ` · ${measurement.tagPattern}` : ''}`}
              groups={props.groups}
              defaultValue={BY_PATTERN}
              extra={[
                { value: BY_PATTERN, label: t('assetEdit.byPattern') },
                { value: UNBOUND, label: t('assetEdit.notBound') },
              ]}
            />
          ))}
          <label className="check">
            <input type="checkbox" name="alarmRules" defaultChecked />{' '}
            {t('assetEdit.makeRules', { n: model.alarmRules.length })}
          </label>
        </fieldset>
      ) : null}
    </ActionForm>
  );
}

/** A model's measurement rows: name, unit and tag pattern, with two empty rows to add more. */
export function ModelMeasurementRows({ measurements }: { measurements: AssetModel['measurements'] }) {
  const t = useTranslations();
  const rows = Math.min(200, measurements.length + 2);
  return (
    <fieldset>
      <legend>{t('assets.measurements')}</legend>
      <input type="hidden" name="measurementsRows" value={rows} />
      <p className="hint">{t('assetEdit.patternHint', { placeholder: '{key}', example: '*/{key}_run' })}</p>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions in the form, not items
        <div key={i} className="row asset-row">
          <Field
            name={`measurements.${i}.name`}
            label={t('assetEdit.measurementName', { n: i + 1 })}
            defaultValue={measurements[i]?.name ?? ''}
          />
          <Field
            name={`measurements.${i}.unit`}
            label={t('assetEdit.measurementUnit', { n: i + 1 })}
            defaultValue={measurements[i]?.unit ?? ''}
          />
          <Field
            name={`measurements.${i}.tagPattern`}
            label={t('assetEdit.measurementPattern', { n: i + 1 })}
            defaultValue={measurements[i]?.tagPattern ?? ''}
          />
        </div>
      ))}
    </fieldset>
  );
}

/** A model's default rules as JSON: `[{ "measurement": …, "rule": { alarm rule without tagId } }]`. */
export function ModelRulesField({ rules }: { rules: AssetModel['alarmRules'] }) {
  const t = useTranslations();
  const id = useId();
  const error = useFieldError('alarmRules');
  return (
    <div className="field">
      <label htmlFor={id}>{t('assetEdit.rulesLabel')}</label>
      <textarea
        id={id}
        name="alarmRules"
        rows={Math.min(24, 4 + rules.length * 6)}
        className="code"
        spellCheck={false}
        defaultValue={rules.length ? JSON.stringify(rules, null, 2) : ''}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        aria-invalid={error ? true : undefined}
      />
      <small id={`${id}-hint`} className="hint">
        {t('assetEdit.rulesHint', { shape: RULES_SHAPE })}
      </small>
      {error ? (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}
