// A site's alarms at a glance (fleet list): the highest unacknowledged severity first and coloured,
// then how many more wait, how many are active but acknowledged, and how many are suppressed.
import { alarmSeverities } from '@plantwatch/shared';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import type { SiteStatus } from '../fleet-status.ts';
import { SeverityBadge } from './alarm-controls.tsx';

export function SiteAlarmSummary({ status }: { status: SiteStatus }) {
  const t = useTranslations('fleet');
  if (status.unacked === 0 && status.activeAcked === 0 && status.suppressed === 0) {
    return <span className="muted">{t('noAlarms')}</span>;
  }
  return (
    <Link
      href={`/alarms?siteId=${status.site.id}`}
      className="alarm-counts"
      data-worst={status.worstUnacked ?? 'none'}
    >
      {alarmSeverities
        .filter((severity) => status.unackedAlarms[severity] > 0)
        .map((severity) => (
          <span key={severity}>
            <SeverityBadge severity={severity} /> {status.unackedAlarms[severity]}
          </span>
        ))}
      {status.unacked ? <span>{t('unacked', { n: status.unacked })}</span> : null}
      {status.activeAcked > 0 ? (
        <span className="muted">{t('acknowledgedActive', { n: status.activeAcked })}</span>
      ) : null}
      {status.suppressed ? <span className="muted">{t('suppressed', { n: status.suppressed })}</span> : null}
    </Link>
  );
}
