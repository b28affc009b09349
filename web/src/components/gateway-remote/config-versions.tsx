// A gateway's config versions, newest first: when, who, what changed, whether the broker took it and
// whether the gateway runs it (or refused it), with a link to each version's changes and, for
// engineers, a rollback (after a confirmation: devices and tags added since are deleted).
import type { ConfigActor, GatewayConfigVersion, GatewayHealth } from '@plantwatch/shared';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { type VersionStatus, versionStatus } from '../../config-version-status.ts';
import { rollbackConfig } from '../../server/gateway-remote-actions.ts';
import { LocalTime } from '../local-time.tsx';
import { ConfirmButton } from './confirm-button.tsx';

const BADGE: Record<VersionStatus['kind'], string> = {
  running: 'config-applied',
  rejected: 'config-rejected',
  replaced: '',
  superseded: '',
  'waiting-broker': 'config-pending',
  failed: 'config-rejected',
  'waiting-gateway': 'config-pending',
};

function Who({ actor, you, names }: { actor: ConfigActor; you: string; names: Map<string, string> }) {
  const t = useTranslations('remote.versions');
  if (actor.type === 'system') return t('bySystem');
  if (actor.type === 'apiKey') return t('byApiKey');
  if (actor.id === you) return t('byYou');
  return actor.id && names.has(actor.id) ? names.get(actor.id) : t('byUser');
}

export function ConfigVersions(props: {
  gatewayId: string;
  versions: GatewayConfigVersion[];
  config: GatewayHealth['config'];
  engineer: boolean;
  viewerId: string;
  userNames: Map<string, string>;
}) {
  const t = useTranslations('remote.versions');
  const latest = props.versions[0]?.version;
  const listed = new Set(props.versions.map((v) => v.version));
  if (props.versions.length === 0) return <p className="empty">{t('none')}</p>;
  return (
    <div className="table-wrap">
      <table className="gw-versions">
        <thead>
          <tr>
            <th scope="col" className="num">
              {t('version')}
            </th>
            <th scope="col">{t('when')}</th>
            <th scope="col">{t('who')}</th>
            <th scope="col">{t('change')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.versions.map((version) => {
            const status = versionStatus(version, props.config);
            return (
              <tr key={version.id}>
                <th scope="row" className="num">
                  v{version.version}
                </th>
                <td>
                  <LocalTime iso={version.createdAt} seconds />
                </td>
                <td>
                  <Who actor={version.changedBy} you={props.viewerId} names={props.userNames} />
                </td>
                <td>{version.change}</td>
                <td>
                  <span className={`badge ${BADGE[status.kind]}`}>{t(`states.${status.kind}`)}</span>
                  {status.kind === 'rejected' ? <p className="error">{status.reason}</p> : null}
                  {status.kind === 'waiting-broker' ? (
                    <p className="hint">
                      {t('attempts', { n: status.attempts })}
                      {status.error ? ` ${status.error}` : ''}
                    </p>
                  ) : null}
                  {status.kind === 'failed' && status.error ? <p className="error">{status.error}</p> : null}
                </td>
                <td className="gw-version-actions">
                  {listed.has(version.version - 1) ? (
                    <Link
                      href={`/config/gateways/${props.gatewayId}?from=${version.version - 1}&to=${version.version}#diff`}
                      aria-label={t('changesOf', { version: version.version })}
                    >
                      {t('changes')}
                    </Link>
                  ) : null}
                  {props.engineer && version.version !== latest ? (
                    <ConfirmButton
                      action={rollbackConfig.bind(null, props.gatewayId, version.version)}
                      confirmText={t('confirmRollback', { version: version.version })}
                      label={t('rollbackTo', { version: version.version })}
                      text={t('rollback')}
                    />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
