'use client';
// Tag import from CSV through the API (ADR 0030): "Check import" sends the file as a dry run and shows
// what would be added, changed, deleted and left alone, or every refused row with the API's reason;
// "Import" then sends the same file for real. Export downloads the device's tags in the same columns.
import { useTranslations } from 'next-intl';
import { useId, useState, useTransition } from 'react';
import { importTagCsv, type Outcome } from '../../server/gateway-remote-actions.ts';

interface Choice {
  value: string;
  label: string;
}

type ImportResult = {
  dryRun: boolean;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
  configVersion: number | null;
};

interface Checked {
  deviceId: string;
  csv: string;
  mode: 'merge' | 'replace';
  outcome: Outcome<ImportResult>;
}

function Keys({ label, keys }: { label: string; keys: string[] }) {
  if (!keys.length) return null;
  return (
    <>
      <h3>{label}</h3>
      <ul>
        {keys.map((key) => (
          <li key={key}>
            <code>{key}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

export function TagCsvImport(props: { devices: Choice[]; deviceId?: string | undefined }) {
  const t = useTranslations('remote.csv');
  const ids = { device: useId(), file: useId(), paste: useId(), mode: useId() };
  const [deviceId, setDeviceId] = useState(props.deviceId ?? props.devices[0]?.value ?? '');
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const [pasted, setPasted] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [done, setDone] = useState<Outcome<ImportResult> | null>(null);
  const [empty, setEmpty] = useState(false);
  const [checking, startCheck] = useTransition();
  const [importing, startImport] = useTransition();

  const check = () =>
    startCheck(async () => {
      setDone(null);
      const csv = file ? await file.text() : pasted;
      setEmpty(!csv.trim());
      if (!csv.trim()) {
        setChecked(null);
        return;
      }
      setChecked({ deviceId, csv, mode, outcome: await importTagCsv({ deviceId, csv, mode }, true) });
    });

  const confirm = () =>
    startImport(async () => {
      if (!checked) return;
      const outcome = await importTagCsv(
        { deviceId: checked.deviceId, csv: checked.csv, mode: checked.mode },
        false,
      );
      setDone(outcome);
      if (outcome.ok) {
        setChecked(null);
        setPasted('');
        setFile(null);
      } else setChecked({ ...checked, outcome });
    });

  const preview = checked?.outcome;
  const changes = preview?.ok
    ? preview.value.created.length + preview.value.updated.length + preview.value.deleted.length
    : 0;
  const selected = props.devices.find((d) => d.value === deviceId);
  return (
    <form
      className="form"
      aria-label={t('heading')}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        check();
      }}
    >
      <p className="hint">{t('intro')}</p>
      <div className="field">
        <label htmlFor={ids.device}>{t('device')}</label>
        <select
          id={ids.device}
          value={deviceId}
          onChange={(event) => {
            setDeviceId(event.target.value);
            setChecked(null);
          }}
        >
          {props.devices.map((d) => (
            <option key={d.value} value={d.value}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
      {selected ? (
        <p>
          <a href={`/api/devices/${deviceId}/tags-csv`} download>
            {t('exportShort')}
          </a>
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={ids.file}>{t('file')}</label>
        <input
          id={ids.file}
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setChecked(null);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.paste}>{t('paste')}</label>
        <textarea
          id={ids.paste}
          rows={5}
          value={pasted}
          onChange={(event) => {
            setPasted(event.target.value);
            setChecked(null);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.mode}>{t('mode')}</label>
        <select
          id={ids.mode}
          value={mode}
          onChange={(event) => {
            setMode(event.target.value === 'replace' ? 'replace' : 'merge');
            setChecked(null);
          }}
        >
          <option value="merge">{t('merge')}</option>
          <option value="replace">{t('replace')}</option>
        </select>
      </div>
      <div className="form-actions">
        <button type="submit" className={checked ? 'secondary' : undefined} disabled={checking}>
          {checking ? t('checking') : t('check')}
        </button>
      </div>
      <div role="status" aria-live="polite" className="form-status">
        {empty ? <p className="error">{t('empty')}</p> : null}
        {done?.ok ? (
          <p className="ok">
            {t('imported', {
              created: done.value.created.length,
              updated: done.value.updated.length,
              deleted: done.value.deleted.length,
              version: done.value.configVersion === null ? 'none' : String(done.value.configVersion),
            })}
          </p>
        ) : null}
        {preview && !preview.ok ? (
          <div className="import-preview">
            <p className="error">{preview.message}</p>
            {preview.rows?.length ? (
              <>
                <h3>{t('refusedHeading')}</h3>
                <ul className="row-errors">
                  {preview.rows.map((row) => (
                    <li key={`${row.row}-${row.field}-${row.message}`}>
                      {t('row', { row: row.row, field: row.field, message: row.message })}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {preview.issues?.length ? (
              <ul className="row-errors">
                {preview.issues.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
      {preview?.ok ? (
        <section className="import-preview" aria-label={t('preview')}>
          <h3>{t('preview')}</h3>
          {changes === 0 ? <p>{t('nothing')}</p> : null}
          <Keys label={t('created', { n: preview.value.created.length })} keys={preview.value.created} />
          <Keys label={t('updated', { n: preview.value.updated.length })} keys={preview.value.updated} />
          <Keys label={t('deleted', { n: preview.value.deleted.length })} keys={preview.value.deleted} />
          {preview.value.unchanged.length ? (
            <p>{t('unchanged', { n: preview.value.unchanged.length })}</p>
          ) : null}
          {changes > 0 ? (
            <div className="form-actions">
              <button type="button" onClick={confirm} disabled={importing}>
                {importing ? t('importing') : t('confirm')}
              </button>
              <button type="button" className="secondary" onClick={() => setChecked(null)}>
                {t('cancel')}
              </button>
            </div>
          ) : null}
        </section>
      ) : null}
    </form>
  );
}
