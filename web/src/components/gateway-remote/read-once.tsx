'use client';
// Test connection: the gateway reads every tag of the device once; each tag's value or error is shown.
import type { ReadDeviceOnceResult } from '@plantwatch/shared';
import { useFormatter, useTranslations } from 'next-intl';
import { useState, useTransition } from 'react';
import { type Outcome, readDeviceOnce } from '../../server/gateway-remote-actions.ts';

export function ReadOnce({ deviceId }: { deviceId: string }) {
  const t = useTranslations('remote.readOnce');
  const format = useFormatter();
  const [outcome, setOutcome] = useState<Outcome<ReadDeviceOnceResult> | null>(null);
  const [pending, startTransition] = useTransition();
  const read = () =>
    startTransition(async () => {
      setOutcome(await readDeviceOnce(deviceId));
    });
  const result = outcome?.ok ? outcome.value : null;
  return (
    <div className="command-panel">
      <div className="form-actions">
        <button type="button" onClick={read} disabled={pending} aria-disabled={pending}>
          {pending ? t('reading') : t('button')}
        </button>
      </div>
      <div role="status" aria-live="polite" className="form-status">
        {outcome && !outcome.ok ? (
          <>
            <p className="error">{outcome.message}</p>
            {outcome.issues?.length ? (
              <ul className="row-errors">
                {outcome.issues.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
        {result ? (
          <p className={result.reachable ? 'ok' : 'error'}>
            {result.reachable
              ? t('reachable', { ms: result.tookMs })
              : t('unreachable', { ms: result.tookMs })}
          </p>
        ) : null}
      </div>
      {result && result.tags.length === 0 ? <p className="empty">{t('noTags')}</p> : null}
      {result && result.tags.length > 0 ? (
        <div className="table-wrap">
          <table aria-label={t('heading')}>
            <thead>
              <tr>
                <th scope="col">{t('tag')}</th>
                <th scope="col" className="num">
                  {t('value')}
                </th>
                <th scope="col">{t('quality')}</th>
                <th scope="col">{t('at')}</th>
                <th scope="col">{t('error')}</th>
              </tr>
            </thead>
            <tbody>
              {result.tags.map((tag) => (
                <tr key={tag.tagId}>
                  <th scope="row">
                    {tag.name} <code>{tag.key}</code>
                  </th>
                  <td className="num">
                    {tag.value === null
                      ? '—'
                      : `${typeof tag.value === 'number' ? format.number(tag.value, { maximumFractionDigits: 4 }) : String(tag.value)}${tag.unit ? ` ${tag.unit}` : ''}`}
                  </td>
                  <td>{tag.quality ?? '—'}</td>
                  <td>
                    {tag.ts === null
                      ? '—'
                      : format.dateTime(new Date(tag.ts), { timeStyle: 'medium', dateStyle: 'short' })}
                  </td>
                  <td className={tag.error ? 'error' : undefined}>{tag.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
