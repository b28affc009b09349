// biome-ignore-all lint/suspicious/noTemplateCurlyInString: formulas write their references as ${device:tag}
'use client';
// The derived-tag editor (issue 17, ADR 0039): key (when adding), name, unit, description and the
// formula, with the site's references to insert at the cursor and a live preview: the formula is
// tried on the site's newest values a moment after typing stops, showing the value with its quality
// and unit, or the API's reason (the unknown reference, the cycle, the parse error). ADR 0051: an
// optional period (computed at each boundary too) and when a quiet input makes the result uncertain.
import { useFormatter, useTranslations } from 'next-intl';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import '../app/derived-tags.css';
import { type FormulaChoice, insertReference } from '../derived-tag-text.ts';
import type { FormState } from '../form-state.ts';
import { type FormulaPreview, previewFormula } from '../server/derived-tag-actions.ts';
import { ActionForm, Field, useFieldError } from './forms.tsx';

/** How long typing must pause before the formula is tried. */
export const PREVIEW_DEBOUNCE_MS = 400;

function FormulaField(props: {
  siteId: string;
  choices: readonly FormulaChoice[];
  initial: string;
  unit: string;
  /** The saved tag's key when editing (so a cycle through it is found). */
  derivedKey?: string;
  version?: string;
}) {
  const d = useTranslations('derivedTags');
  const t = useTranslations();
  const id = useId();
  const error = useFieldError('formula');
  const area = useRef<HTMLTextAreaElement>(null);
  const [formula, setFormula] = useState(props.initial);
  const [preview, setPreview] = useState<FormulaPreview | null>(null);
  const [pending, setPending] = useState(false);
  const { siteId, derivedKey } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a saved version restarts from what was saved
  useEffect(() => setFormula(props.initial), [props.version, props.initial]);
  useEffect(() => {
    let current = true;
    setPending(true);
    const timer = setTimeout(() => {
      previewFormula(siteId, formula, derivedKey)
        .then((answer) => {
          if (current) setPreview(answer);
        })
        .catch(() => {
          if (current) setPreview({ status: 'error', message: d('previewFailed') });
        })
        .finally(() => {
          if (current) setPending(false);
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [siteId, formula, derivedKey, d]);
  const insert = (reference: string) => {
    const element = area.current;
    const next = insertReference(
      formula,
      reference,
      element?.selectionStart ?? formula.length,
      element?.selectionEnd ?? formula.length,
    );
    setFormula(next.formula);
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(next.cursor, next.cursor);
    });
  };
  return (
    <>
      <div className="field">
        <label htmlFor={id}>
          {d('formula')}
          <span className="req"> ({t('common.required')})</span>
        </label>
        <textarea
          id={id}
          ref={area}
          name="formula"
          rows={3}
          spellCheck={false}
          className="formula"
          value={formula}
          onChange={(event) => setFormula(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        />
        <small id={`${id}-hint`} className="hint">
          {d('formulaHint', { syntax: '${device:tag}', example: '${inlet:flow} - ${outlet:flow}' })}
        </small>
        {error ? (
          <small id={`${id}-error`} className="field-error">
            {error}
          </small>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-refs`}>{d('insertReference')}</label>
        <select
          id={`${id}-refs`}
          value=""
          onChange={(event) => {
            if (event.target.value) insert(event.target.value);
          }}
        >
          <option value="">{d('chooseReference')}</option>
          {props.choices.map((choice) => (
            <option key={choice.reference} value={choice.reference}>
              {`${choice.label} ${choice.reference}${choice.unit ? ` (${choice.unit})` : ''}`}
            </option>
          ))}
        </select>
      </div>
      <PreviewLine preview={preview} pending={pending} unit={props.unit} />
    </>
  );
}

function PreviewLine(props: { preview: FormulaPreview | null; pending: boolean; unit: string }) {
  const d = useTranslations('derivedTags');
  const format = useFormatter();
  const { preview } = props;
  let body: ReactNode = <span className="muted">{d('previewEmpty')}</span>;
  if (preview?.status === 'error') {
    body = (
      <span className="field-error" data-testid="preview-error">
        {preview.message}
      </span>
    );
  } else if (preview?.status === 'ok') {
    const { value, quality, reason } = preview.preview;
    body = (
      <span data-testid="preview-value">
        <strong>
          {value === null
            ? '—'
            : `${format.number(value, { maximumFractionDigits: 4 })}${props.unit ? ` ${props.unit}` : ''}`}
        </strong>{' '}
        <span className={`quality quality-${quality}`}>{d(`quality.${quality}`)}</span>
        {reason ? <span className="muted"> — {reason}</span> : null}
      </span>
    );
  }
  return (
    <output className="formula-preview" aria-live="polite" aria-busy={props.pending}>
      <span className="hint">{d('preview')}: </span>
      {body}
    </output>
  );
}

export function DerivedTagForm(props: {
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  label: string;
  submitLabel: string;
  pendingLabel: string;
  siteId: string;
  choices: readonly FormulaChoice[];
  /** The saved derived tag when editing; its key is then fixed. */
  initial?: {
    key: string;
    name: string;
    description: string;
    formula: string;
    unit: string;
    periodSeconds: number | null;
    staleAfterSeconds: number | null;
  };
  version?: string;
}) {
  const d = useTranslations('derivedTags');
  const t = useTranslations('config');
  const { initial } = props;
  const [unit, setUnit] = useState(initial?.unit ?? '');
  const [round, setRound] = useState(0);
  return (
    <ActionForm
      action={props.action}
      label={props.label}
      submitLabel={props.submitLabel}
      pendingLabel={props.pendingLabel}
      onDone={(state) => {
        // an added tag empties the form for the next one
        if (state.status === 'ok' && !initial) {
          setUnit('');
          setRound((n) => n + 1);
        }
      }}
    >
      <div key={`${props.version ?? ''}-${round}`} className="form">
        <div className="row">
          {initial ? (
            <p>
              {d('key')}: <code>{initial.key}</code> <small className="hint">{d('keyFixed')}</small>
            </p>
          ) : (
            <Field
              name="key"
              label={d('key')}
              hint={d('keyHint', { reference: '${key}' })}
              required
              autoComplete="off"
            />
          )}
          <Field name="name" label={t('name')} required defaultValue={initial?.name} />
          <Field
            name="unit"
            label={t('unit')}
            value={unit}
            onChange={(event) => setUnit(event.target.value)}
          />
        </div>
        <Field name="description" label={t('description')} defaultValue={initial?.description} />
        <FormulaField
          siteId={props.siteId}
          choices={props.choices}
          initial={initial?.formula ?? ''}
          unit={unit}
          version={props.version}
          {...(initial ? { derivedKey: initial.key } : {})}
        />
        <div className="row">
          <Field
            name="periodSeconds"
            label={d('period')}
            hint={d('periodHint')}
            type="number"
            inputMode="numeric"
            min={1}
            max={3600}
            step={1}
            defaultValue={initial?.periodSeconds ?? ''}
          />
          <Field
            name="staleAfterSeconds"
            label={d('staleAfter')}
            hint={d('staleAfterHint')}
            type="number"
            inputMode="numeric"
            min={1}
            max={604800}
            step={1}
            defaultValue={initial?.staleAfterSeconds ?? ''}
          />
        </div>
      </div>
    </ActionForm>
  );
}
