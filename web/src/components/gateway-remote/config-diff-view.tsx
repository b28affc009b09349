// The changes from one config version to another: per device, what was added, removed or changed,
// and each changed field's value before and after.
import { useTranslations } from 'next-intl';
import type { ConfigDiff, FieldChange } from '../../config-diff.ts';

/** Each field before → after; for something added, only the values it has. */
function Fields({ fields, added = false }: { fields: FieldChange[]; added?: boolean }) {
  const shown = added ? fields.filter((f) => f.after !== '') : fields;
  if (!shown.length) return null;
  return (
    <ul className="diff-fields">
      {shown.map((f) => (
        <li key={f.field}>
          <code>{f.field}</code>:{' '}
          {added ? (
            <ins>{f.after}</ins>
          ) : (
            <>
              <del>{f.before}</del> → <ins>{f.after}</ins>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

export function ConfigDiffView({ diff, from, to }: { diff: ConfigDiff; from: number; to: number }) {
  const t = useTranslations('remote.diff');
  return (
    <section className="config-diff" aria-label={t('label', { from, to })}>
      {diff.same ? <p className="empty">{t('same')}</p> : null}
      {diff.devices.map((device) => (
        <div key={device.key} className={`diff-device diff-${device.change}`}>
          <h4>
            {t('device', { key: device.key })} <span className="badge">{t(`changes.${device.change}`)}</span>
          </h4>
          <Fields fields={device.fields} added={device.change === 'added'} />
          {device.tags.length ? (
            <ul className="diff-tags">
              {device.tags.map((tag) => (
                <li key={tag.key} className={`diff-${tag.change}`}>
                  {t('tag', { key: tag.key })} <span className="badge">{t(`changes.${tag.change}`)}</span>
                  <Fields fields={tag.fields} added={tag.change === 'added'} />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
      {diff.buffer.length ? (
        <div className="diff-device diff-changed">
          <h4>{t('buffer')}</h4>
          <Fields fields={diff.buffer} />
        </div>
      ) : null}
    </section>
  );
}
