// A gateway's health as its status topic and its data tell it (ADR 0030): online since when, last
// status and data, config applied or refused, the disk buffer, and each device's connection and counts.
import type { GatewayHealth } from '@plantwatch/shared';
import Link from 'next/link';
import { useFormatter, useTranslations } from 'next-intl';
import { LocalTime } from '../local-time.tsx';

const MIB = 1024 * 1024;

function When({ iso }: { iso: string | null }) {
  const t = useTranslations('remote');
  return iso ? <LocalTime iso={iso} seconds /> : <span className="muted">{t('never')}</span>;
}

export function HealthPanel(props: { health: GatewayHealth; deviceNames: Map<string, string> }) {
  const t = useTranslations('remote.health');
  const format = useFormatter();
  const { health } = props;
  const { config, buffer } = health;
  const mib = (bytes: number) => format.number(bytes / MIB, { maximumFractionDigits: 1 });
  return (
    <section aria-labelledby="gateway-health" className="gw-health">
      <h2 id="gateway-health">{t('heading')}</h2>
      <dl className="gw-facts">
        <div>
          <dt>{t('state')}</dt>
          <dd>
            <span className={`badge gw-${health.state}`}>{t(`states.${health.state}`)}</span>
            {health.since ? (
              <>
                {' '}
                {t('since')} <LocalTime iso={health.since} seconds />
              </>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('lastStatus')}</dt>
          <dd>
            <When iso={health.lastStatusAt} />
          </dd>
        </div>
        <div>
          <dt>{t('lastData')}</dt>
          <dd>
            <When iso={health.lastDataAt} />
          </dd>
        </div>
        <div>
          <dt>{t('version')}</dt>
          <dd>{health.gatewayVersion ?? <span className="muted">{t('unknown')}</span>}</dd>
        </div>
        <div>
          <dt>{t('config')}</dt>
          <dd>
            <span className={`badge config-${config.state}`}>
              {t('configState', {
                state: config.state,
                applied: config.appliedVersion === null ? 'none' : String(config.appliedVersion),
                latest: String(config.latestVersion),
              })}
            </span>
            {config.rejected ? (
              <p className="error">
                {t('rejected', { version: config.rejected.version ?? 0, reason: config.rejected.reason })}
              </p>
            ) : null}
            {!config.published ? (
              <p className="hint">
                {t('notPublished', { version: config.latestVersion })}
                {config.publishError ? ` ${t('publishError', { error: config.publishError })}` : ''}
              </p>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('buffer')}</dt>
          <dd>
            {buffer ? (
              <>
                {buffer.maxBytes
                  ? t('bufferFill', {
                      used: mib(buffer.bytes),
                      max: mib(buffer.maxBytes),
                      fill: format.number(buffer.fill ?? 0, { style: 'percent', maximumFractionDigits: 1 }),
                    })
                  : t('bufferUsed', { used: mib(buffer.bytes) })}
                {' · '}
                {t('bufferPoints', { points: buffer.points })}
                {buffer.droppedPoints > 0 ? (
                  <p className="error">
                    {t('dropped', { n: buffer.droppedPoints, policy: buffer.whenFull })}{' '}
                    {buffer.lastDroppedAt ? <LocalTime iso={buffer.lastDroppedAt} seconds /> : null}
                  </p>
                ) : null}
              </>
            ) : (
              <span className="muted">{t('unknown')}</span>
            )}
          </dd>
        </div>
      </dl>
      <h3>{t('devices')}</h3>
      {health.devices.length === 0 ? (
        <p className="empty">{t('noDevices')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('device')}</th>
                <th scope="col">{t('connection')}</th>
                <th scope="col">{t('lastSuccess')}</th>
                <th scope="col" className="num">
                  {t('errors')}
                </th>
                <th scope="col" className="num">
                  {t('backoff')}
                </th>
                <th scope="col" className="num">
                  {t('malformed')}
                </th>
                <th scope="col">{t('lastError')}</th>
              </tr>
            </thead>
            <tbody>
              {health.devices.map((device) => (
                <tr key={device.key}>
                  <th scope="row">
                    {device.deviceId ? (
                      <Link href={`/config/devices/${device.deviceId}`}>
                        {props.deviceNames.get(device.deviceId) ?? device.key}
                      </Link>
                    ) : (
                      device.key
                    )}{' '}
                    <code>{device.key}</code>
                  </th>
                  <td>
                    <span className={`badge ${device.connected ? 'gw-online' : 'gw-offline'}`}>
                      {device.connected ? t('connected') : t('disconnected')}
                    </span>
                  </td>
                  <td>
                    <When iso={device.lastSuccessAt} />
                  </td>
                  <td className="num">{device.errorCount}</td>
                  <td className="num">
                    {device.backoffMs > 0
                      ? t('seconds', {
                          s: format.number(device.backoffMs / 1000, { maximumFractionDigits: 1 }),
                        })
                      : '—'}
                  </td>
                  <td className="num">
                    {device.malformed ? (
                      <span title={device.malformed.lastError}>{device.malformed.count}</span>
                    ) : (
                      0
                    )}
                  </td>
                  <td>{device.lastError ?? (device.malformed ? device.malformed.lastError : '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
