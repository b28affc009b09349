'use client';
// The site dashboard's live part: every tag with its value, unit, quality and freshness, its gateways'
// state, and the site's active alarms with one-click acknowledge. Pushed by the server as they change
// (ADR 0028: /api/sites/{id}/live/stream, a relay of the API's site stream); where push does not get
// through, the web server's /api/sites/{id}/live is polled instead, asking only for newer values.
import { type Alarm, alarmSchema, type GatewayHealth, gatewayHealthSchema } from '@plantwatch/shared';
import { useFormatter, useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { isAnnunciated, worstOf } from '../alarm-summary.ts';
import { ageParts } from '../i18n/translator.ts';
import { browserParts, type LiveState, openLiveConnection } from '../live/connection.ts';
import {
  type LatestValue,
  latestValueSchema,
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

const valuesEvent = z.object({ now: z.number(), values: z.array(latestValueSchema) });
const alarmsEvent = z.object({ alarms: z.array(alarmSchema) });
const gatewaysEvent = z.object({ gateways: z.array(gatewayHealthSchema) });

/** The site live: pushed, or polled where push does not get through; values merge by tag. */
export function useSiteLive(
  siteId: string,
  initial: SiteLiveSnapshot,
  fallbackPollMs: number,
  /** false: polled only (a page showing several sites must not hold a connection per site). */
  push = true,
) {
  const [values, setValues] = useState(() => new Map(initial.values.map((v) => [v.tagId, v])));
  const [alarms, setAlarms] = useState<Alarm[]>(initial.alarms);
  const [gateways, setGateways] = useState<ReadonlyMap<string, GatewayHealth>>(() => new Map());
  // Values rendered with the page are live as of the server's answer: "Connecting…" is only for a page
  // that has none yet.
  const [live, setLive] = useState<LiveState>({
    status: initial.values.length ? 'live' : 'connecting',
    transport: 'push',
    lastUpdate: null,
  });
  const [clock, setClock] = useState({ serverNow: initial.now, receivedAt: 0 });
  const newest = useRef(Math.max(0, ...initial.values.map((v) => v.ts)));
  const refreshNow = useRef<() => void>(() => {});

  useEffect(() => {
    let polls = 0;
    const merge = (incoming: readonly LatestValue[], serverNow: number) => {
      if (incoming.length) {
        newest.current = Math.max(newest.current, ...incoming.map((v) => v.ts));
        setValues((previous) => {
          const next = new Map(previous);
          for (const value of incoming) {
            const known = next.get(value.tagId);
            if (!known || known.ts <= value.ts) next.set(value.tagId, value);
          }
          return next;
        });
      }
      setClock({ serverNow, receivedAt: Date.now() });
    };
    const parts = browserParts();
    const connection = openLiveConnection({
      ...parts,
      eventSource: push ? parts.eventSource : undefined,
      streamUrl: `/api/sites/${encodeURIComponent(siteId)}/live/stream`,
      pollMs: fallbackPollMs,
      events: {
        values: (data) => {
          const event = valuesEvent.parse(data);
          merge(event.values, event.now);
        },
        alarms: (data) => setAlarms(alarmsEvent.parse(data).alarms),
        gateways: (data) =>
          setGateways(new Map(gatewaysEvent.parse(data).gateways.map((g) => [g.gatewayId, g]))),
      },
      poll: async () => {
        const full = polls++ % FULL_SNAPSHOT_EVERY === 0;
        const query = full ? '' : `?since=${newest.current}`;
        const response = await fetch(`/api/sites/${encodeURIComponent(siteId)}/live${query}`, {
          cache: 'no-store',
        });
        if (response.status === 401) {
          window.location.assign('/login?error=expired');
          return;
        }
        if (!response.ok) throw new Error(`live values answered ${response.status}`);
        const answer = siteLiveSchema.parse(await response.json());
        merge(answer.values, answer.now);
        setAlarms(answer.alarms);
      },
      onState: setLive,
    });
    refreshNow.current = () => connection.refresh();
    return () => connection.close();
  }, [siteId, fallbackPollMs, push]);

  const refresh = useCallback(() => refreshNow.current(), []);
  // The server's clock, advanced by the time since its answer: freshness never trusts the browser's clock.
  const now = clock.receivedAt ? clock.serverNow + (Date.now() - clock.receivedAt) : clock.serverNow;
  return { values, alarms, gateways, live, now, refresh };
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

/** A table of tags with their live values, each pinnable to the home page where pins are offered. */
function TagTable(props: {
  tags: DashboardTag[];
  addressHeading: string;
  values: ReadonlyMap<string, LatestValue>;
  now: number;
  pinned: ReadonlySet<string> | undefined;
  setPinned: (change: (current: Set<string>) => Set<string>) => void;
}) {
  const t = useTranslations();
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('site.columns.tag')}</th>
            <th scope="col" className="wide-only">
              {props.addressHeading}
            </th>
            <th scope="col" className="num">
              {t('site.columns.value')}
            </th>
            <th scope="col">{t('site.columns.quality')}</th>
            <th scope="col">{t('site.columns.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {props.tags.map((tag) => (
            <tr key={tag.id} data-tag={tag.key}>
              <th scope="row">
                {tag.name}
                {props.pinned ? (
                  <>
                    {' '}
                    <PinButton
                      pin={{ kind: 'tag', tagId: tag.id }}
                      pinned={props.pinned.has(tag.id)}
                      label={{
                        pin: t('pin.pinTagLabel', { name: tag.name }),
                        unpin: t('pin.unpinTagLabel', { name: tag.name }),
                      }}
                      text={{ pin: t('pin.pinTag'), unpin: t('pin.unpinTag') }}
                      onChange={(on) =>
                        props.setPinned((current) => {
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
              <LiveValueCells value={props.values.get(tag.id)} unit={tag.unit} now={props.now} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SiteLive(props: {
  siteId: string;
  gateways: DashboardGateway[];
  initial: SiteLiveSnapshot;
  canAcknowledge: boolean;
  /** The viewer's pinned tags; with it, each tag row has a pin button for the home page. */
  pinnedTagIds?: readonly string[];
  /** The site's derived tags (ADR 0053), their formulas in the address column. */
  derivedTags?: DashboardTag[];
  /** How often values are asked for where push does not get through. */
  fallbackPollMs: number;
}) {
  const t = useTranslations();
  const format = useFormatter();
  const {
    values,
    alarms: all,
    gateways: health,
    live,
    now,
    refresh,
  } = useSiteLive(props.siteId, props.initial, props.fallbackPollMs);
  const lastUpdate = format.dateTime(new Date(live.lastUpdate ?? now), { timeStyle: 'medium' });
  // Shelved and out-of-service alarms are suppressed: counted here, listed in the console.
  const alarms = all.filter((alarm) => !alarm.shelved && !alarm.outOfService);
  const suppressed = all.length - alarms.length;
  const worstUnacked = worstOf(alarms.filter(isAnnunciated).map((alarm) => alarm.severity));
  const [pinned, setPinned] = useState(() => new Set(props.pinnedTagIds ?? []));
  const tableProps = { values, now, pinned: props.pinnedTagIds ? pinned : undefined, setPinned };
  return (
    <div className="dashboard">
      <section className="dashboard-values" aria-labelledby="live-heading">
        <h2 id="live-heading">{t('site.devices')}</h2>
        <p
          className={`live-status ${live.status}`}
          role="status"
          data-live={live.status}
          data-transport={live.transport}
        >
          {live.status === 'live' ? (
            t(live.transport === 'push' ? 'site.liveStatus' : 'site.livePolling', { time: lastUpdate })
          ) : live.status === 'reconnecting' ? (
            <span className="error">{t('site.liveError')}</span>
          ) : live.status === 'stale' ? (
            <span className="error">{t('site.liveStale', { time: lastUpdate })}</span>
          ) : (
            t('site.liveConnecting')
          )}
        </p>
        {props.gateways.map((gateway) => (
          <section key={gateway.id} className="card" aria-labelledby={`gw-${gateway.id}`}>
            <h3 id={`gw-${gateway.id}`}>
              {gateway.name} <GatewayState health={health.get(gateway.id)} name={gateway.name} />
            </h3>
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
                  <TagTable {...tableProps} tags={device.tags} addressHeading={t('site.columns.address')} />
                )}
              </section>
            ))}
          </section>
        ))}
        {props.derivedTags && props.derivedTags.length > 0 ? (
          <section className="card" aria-labelledby="derived-tags-heading">
            <h3 id="derived-tags-heading">{t('site.derivedTags')}</h3>
            <p className="muted">{t('site.derivedTagsHint')}</p>
            <TagTable {...tableProps} tags={props.derivedTags} addressHeading={t('site.columns.formula')} />
          </section>
        ) : null}
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

/** A gateway's state beside its name, as its last status said (pushed when a status arrives). */
function GatewayState({ health, name }: { health: GatewayHealth | undefined; name: string }) {
  const t = useTranslations('site');
  const format = useFormatter();
  if (!health) return null;
  const text =
    health.state === 'online'
      ? t('gatewayOnline')
      : health.state === 'offline'
        ? t('gatewayOffline', {
            since: health.since ? format.dateTime(new Date(health.since), { timeStyle: 'short' }) : '—',
          })
        : t('gatewayUnknown');
  return (
    <span
      className={`gateway-state ${health.state}`}
      data-gateway-state={health.state}
      title={t('gatewayStateLabel', { name, state: text })}
    >
      {text}
    </span>
  );
}
