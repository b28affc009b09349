'use client';
// An asset's measurements live (issue 21): each measurement's tag value, quality and age as the site's
// live stream pushes them (the site dashboard's own hook), and the active alarms on those tags.
import type { Alarm } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import type { SiteLive as SiteLiveSnapshot } from '../live-types.ts';
import { SeverityBadge, StateLabel } from './alarm-controls.tsx';
import { LiveValueCells, useSiteLive } from './site-live.tsx';

export interface AssetMeasurementView {
  name: string;
  unit: string;
  tagId: string | null;
}

export function AssetLive(props: {
  siteId: string;
  measurements: AssetMeasurementView[];
  /** The alarms of every rule on a tag read under this asset (the API's assetId filter), as first shown. */
  initial: SiteLiveSnapshot;
  subtreeTagIds: string[];
  fallbackPollMs: number;
}) {
  const t = useTranslations();
  const { values, alarms, now } = useSiteLive(props.siteId, props.initial, props.fallbackPollMs);
  const under = new Set(props.subtreeTagIds);
  const initialRules = new Set(props.initial.alarms.map((alarm) => alarm.ruleId));
  const shown = alarms.filter(
    (alarm: Alarm) =>
      !alarm.shelved &&
      !alarm.outOfService &&
      ((alarm.tagId !== null && under.has(alarm.tagId)) || initialRules.has(alarm.ruleId)),
  );
  return (
    <>
      <section aria-labelledby="asset-measurements">
        <h2 id="asset-measurements">{t('assets.measurements')}</h2>
        {props.measurements.length === 0 ? (
          <p className="muted">{t('assets.noMeasurements')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('assets.columns.measurement')}</th>
                  <th scope="col" className="num">
                    {t('assets.columns.value')}
                  </th>
                  <th scope="col">{t('assets.columns.quality')}</th>
                  <th scope="col">{t('assets.columns.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {props.measurements.map((measurement) => (
                  <tr key={measurement.name} data-measurement={measurement.name}>
                    <th scope="row">{measurement.name}</th>
                    {measurement.tagId ? (
                      <LiveValueCells
                        value={values.get(measurement.tagId)}
                        unit={measurement.unit}
                        now={now}
                      />
                    ) : (
                      <td colSpan={3} className="muted">
                        {t('assets.unbound')}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="asset-alarms">
        <h2 id="asset-alarms">{t('assets.alarmsHeading')}</h2>
        {shown.length === 0 ? (
          <p className="muted">{t('assets.noAlarms')}</p>
        ) : (
          <ul className="alarm-list">
            {shown.map((alarm) => (
              <li key={alarm.id} className={`alarm-item severity-${alarm.severity}`}>
                <div>
                  <SeverityBadge severity={alarm.severity} /> <strong>{alarm.name}</strong>
                </div>
                <div className="muted">
                  <StateLabel alarm={alarm} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
