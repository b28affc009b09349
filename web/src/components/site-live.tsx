'use client';
// The site dashboard's live part: every tag with its value, unit, quality and freshness, and the
// site's active alarms with one-click acknowledge. It polls the web server's /api/sites/{id}/live
// (ADR 0017) every second while the tab is visible, asking only for values newer than it has.
import type { Alarm } from '@plantwatch/shared';
import { useFormatter, useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isAnnunciated, worstOf } from '../alarm-summary.ts';
import { ageParts } from '../i18n/translator.ts';
import {
  type LatestValue,
  LIVE_POLL_MS,
  type SiteLive as SiteLiveSnapshot,
  STALE_AFTER_MS,
  siteLiveSchema,
} from '../live-types.ts';
import { useUnitPreferences } from '../units/context.tsx';
import { displayUnit } from '../units/display.ts';
import { AcknowledgeButton, SeverityBadge, StateLabel } from './alarm-controls.tsx';
import { LocalTime } from './local-time.tsx';
import { PinButton } from './pin-button.tsx';

export interface DashboardTag {
  id: string;
  name: string;
  key: string;
  unit: string;
  address: string;
}
export interface DashboardGateway {
  id: string;
  name: string;
  description: string;
  devices: { id: string; name: string; key: string; tags: DashboardTag[] }[];
}

/** Every so many polls the whole snapshot is asked for, so a late (buffered) sample is not missed. */
const FULL_SNAPSHOT_EVERY = 30;

type LiveStatus = 'connecting' | 'live' | 'paused' | 'error';

/** Polls the site's live route; values merge by tag, alarms are replaced on each answer. */
export function useSiteLive(siteId: string, initial: SiteLiveSnapshot) {
  const [values, setValues] = useState(() => new Map(initial.values.map((v) => [v.tagId, v])));
  const [alarms, setAlarms] = useState<Alarm[]>(initial.alarms);
  // Values rendered with the page are live as of the server's answer: "Connecting…" is only for a page
  // that has none yet.
  const [status, setStatus] = useState<LiveStatus>(initial.values.length ? 'live' : 'connecting');
  const [clock, setClock] = useState({ serverNow: initial.now, receivedAt: 0 });
  const newest = useRef(Math.max(0, ...initial.values.map((v) => v.ts)));
  const polls = useRef(0);
  const pollNow = useRef<() => void>(() => {});

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let inFlight: AbortController | undefined;

    const schedule = () => {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(poll, LIVE_POLL_MS);
    };

    async function poll() {
      if (document.visibilityState === 'hidden') {
        setStatus('paused');
        return; // visibilitychange starts polling again
      }
      inFlight?.abort();
      inFlight = new AbortController();
      const full = polls.current++ % FULL_SNAPSHOT_EVERY === 0;
      const query = full ? '' : `?since=${newest.current}`;
      try {
        const response = await fetch(`/api/sites/${encodeURIComponent(siteId)}/live${query}`, {
          cache: 'no-store',
          signal: inFlight.signal,
        });
        if (response.status === 401) {
          window.location.assign('/login?error=expired');
          return;
        }
        if (!response.ok) throw new Error(`live values answered ${response.status}`);
        const live = siteLiveSchema.parse(await response.json());
        if (live.values.length) {
          newest.current = Math.max(newest.current, ...live.values.map((v) => v.ts));
          setValues((previous) => {
            const next = new Map(previous);
            for (const value of live.values) {
              const known = next.get(value.tagId);
              if (!known || known.ts <= value.ts) next.set(value.tagId, value);
            }
            return next;
          });
        }
        setAlarms(live.alarms);
        setClock({ serverNow: live.now, receivedAt: Date.now() });
        setStatus('live');
      } catch (error) {
        if ((error as Error).name === 'AbortError') return;
        setStatus('error');
      }
      schedule();
    }

    const onVisibility = () => {
      if (document.visibilityState === 'visible') void poll();
    };
    pollNow.current = () => void poll();
    document.addEventListener('visibilitychange', onVisibility);
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [siteId]);

  const refresh = useCallback(() => pollNow.current(), []);
  // The server's clock, advanced by the time since its answer: freshness never trusts the browser's clock.
  const now = clock.receivedAt ? clock.serverNow + (Date.now() - clock.receivedAt) : clock.serverNow;
  return { values, alarms, status, now, refresh };
}

export function Freshness({ ts, now }: { ts: number; now: number }) {
  const t = useTranslations();
  const age = Math.max(0, Math.round((now - ts) / 1000));
  const stale = now - ts > STALE_AFTER_MS;
  return (
    <span className={stale ? 'stale' : undefined}>
      {t('site.secondsAgo', ageParts(age))}
      {stale ? ` · ${t('site.stale')}` : ''}
    </span>
  );
}

/** A tag's value with its unit, its quality and its age: three cells of the dashboard's and the pins' tables. */
export function LiveValueCells(props: { value: LatestValue | undefined; unit: string; now: number }) {
  const t = useTranslations();
  const format = useFormatter();
  const shown = displayUnit(props.unit, useUnitPreferences());
  const { value } = props;
  const text = !value
    ? t('common.noValue')
    : typeof value.value === 'number'
      ? format.number(shown.convert(value.value), { maximumFractionDigits: 3 })
      : String(value.value);
  return (
    <>
      <td className="num">
        <span className="live-value">{text}</span>
        {shown.unit && (!value || typeof value.value === 'number') ? (
          <span className="unit"> {shown.unit}</span>
        ) : null}
      </td>
      <td>
        {value ? (
          <span className={`quality ${value.quality}`}>{t(`site.qualities.${value.quality}`)}</span>
        ) : (
          t('common.noValue')
        )}
      </td>
      <td>{value ? <Freshness ts={value.ts} now={props.now} /> : t('common.noValue')}</td>
    </>
  );
}

export function SiteLive(props: {
  siteId: string;
  gateways: DashboardGateway[];
  initial: SiteLiveSnapshot;
  canAcknowledge: boolean;
  /** The viewer's pinned tags; with it, each tag row has a pin button for the home page. */
  pinnedTagIds?: readonly string[];
}) {
  const t = useTranslations();
  const format = useFormatter();
  const { values, alarms: all, status, now, refresh } = useSiteLive(props.siteId, props.initial);
  // Shelved and out-of-service alarms are suppressed: counted here, listed in the console.
  const alarms = all.filter((alarm) => !alarm.shelved && !alarm.outOfService);
  const suppressed = all.length - alarms.length;
  const worstUnacked = worstOf(alarms.filter(isAnnunciated).map((alarm) => alarm.severity));
  const [pinned, setPinned] = useState(() => new Set(props.pinnedTagIds ?? []));
  return (
    <div className="dashboard">
      <section className="dashboard-values" aria-labelledby="live-heading">
        <h2 id="live-heading">{t('site.devices')}</h2>
        <p className={`live-status ${status}`} role="status">
          {status === 'live' ? (
            t('site.liveStatus', { time: format.dateTime(new Date(now), { timeStyle: 'medium' }) })
          ) : status === 'paused' ? (
            t('site.livePaused')
          ) : status === 'error' ? (
            <span className="error">{t('site.liveError')}</span>
          ) : (
            t('site.liveConnecting')
          )}
        </p>
        {props.gateways.map((gateway) => (
          <section key={gateway.id} className="card" aria-labelledby={`gw-${gateway.id}`}>
            <h3 id={`gw-${gateway.id}`}>{gateway.name}</h3>
            {gateway.description ? <p className="muted">{gateway.description}</p> : null}
            {gateway.devices.length === 0 ? <p>{t('site.noDevices')}</p> : null}
            {gateway.devices.map((device) => (
              <section key={device.id} aria-labelledby={`dev-${device.id}`}>
                <h4 id={`dev-${device.id}`}>
                  {device.name} <span className="muted">({device.key})</span>
                </h4>
                {device.tags.length === 0 ? (
                  <p>{t('site.noTags')}</p>
                ) : (
                  <div className="table-wrap">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">{t('site.columns.tag')}</th>
                          <th scope="col" className="wide-only">
                            {t('site.columns.address')}
                          </th>
                          <th scope="col" className="num">
                            {t('site.columns.value')}
                          </th>
                          <th scope="col">{t('site.columns.quality')}</th>
                          <th scope="col">{t('site.columns.updated')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {device.tags.map((tag) => (
                          <tr key={tag.id} data-tag={tag.key}>
                            <th scope="row">
                              {tag.name}
                              {props.pinnedTagIds ? (
                                <>
                                  {' '}
                                  <PinButton
                                    pin={{ kind: 'tag', tagId: tag.id }}
                                    pinned={pinned.has(tag.id)}
                                    label={{
                                      pin: t('pin.pinTagLabel', { name: tag.name }),
                                      unpin: t('pin.unpinTagLabel', { name: tag.name }),
                                    }}
                                    text={{ pin: t('pin.pinTag'), unpin: t('pin.unpinTag') }}
                                    onChange={(on) =>
                                      setPinned((current) => {
                                        const next = new Set(current);
                                        if (on) next.add(tag.id);
                                        else next.delete(tag.id);
                                        return next;
                                      })
                                    }
                                  />
                                </>
                              ) : null}
                            </th>
                            <td className="wide-only">
                              <code>{tag.address}</code>
                            </td>
                            <LiveValueCells value={values.get(tag.id)} unit={tag.unit} now={now} />
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            ))}
          </section>
        ))}
      </section>
      <section className="dashboard-alarms" aria-labelledby="site-alarms-heading">
        <h2 id="site-alarms-heading">{t('site.alarmsHeading')}</h2>
        {worstUnacked ? (
          <p className="site-worst">
            {t('site.worstUnacked')} <SeverityBadge severity={worstUnacked} />
          </p>
        ) : null}
        {alarms.length === 0 ? (
          <p className="muted">{t('site.noAlarms')}</p>
        ) : (
          <ul className="alarm-list">
            {alarms.map((alarm) => (
              <li key={alarm.id} className={`alarm-item severity-${alarm.severity}`}>
                <div>
                  <SeverityBadge severity={alarm.severity} /> <strong>{alarm.name}</strong>
                </div>
                <div className="muted">
                  <StateLabel alarm={alarm} />
                  {alarm.activeSince ? (
                    <>
                      {' · '}
                      <LocalTime iso={alarm.activeSince} seconds />
                    </>
                  ) : null}
                </div>
                {props.canAcknowledge && alarm.state.endsWith('unacked') ? (
                  <AcknowledgeButton
                    target={{ ruleId: alarm.ruleId, level: alarm.level }}
                    name={alarm.name}
                    onDone={refresh}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {suppressed ? (
          <p className="muted">
            <a href={`/alarms?show=shelved&siteId=${encodeURIComponent(props.siteId)}`}>
              {t('site.suppressed', { n: suppressed })}
            </a>
          </p>
        ) : null}
        <p>
          <a href={`/alarms?siteId=${encodeURIComponent(props.siteId)}`}>{t('site.allAlarms')}</a>
        </p>
      </section>
    </div>
  );
}
