// The plan and usage page's parts (server components): each limit against what is used now, the
// month's daily records, and the plan catalogue side by side.
import type { Plan, PlanLimitName, Usage } from '@plantwatch/shared';
import { getFormatter, getTranslations } from 'next-intl/server';

type Formatter = Awaited<ReturnType<typeof getFormatter>>;

/** An estimate in bytes as people read it: 812 kB, 3.4 MB, 1.2 GB. */
export function formatBytes(format: Formatter, bytes: number): string {
  const units = [
    ['gigabyte', 1e9],
    ['megabyte', 1e6],
    ['kilobyte', 1e3],
  ] as const;
  const [unit, size] = units.find(([, size]) => bytes >= size) ?? ['byte', 1];
  return format.number(bytes / size, { style: 'unit', unit, maximumFractionDigits: 1 });
}

const METERS: { limit: PlanLimitName; used: keyof Usage['current'] }[] = [
  { limit: 'tags', used: 'tags' },
  { limit: 'gateways', used: 'gateways' },
  { limit: 'users', used: 'users' },
  { limit: 'reportDefinitions', used: 'reportDefinitions' },
  { limit: 'pointsPerDay', used: 'pointsToday' },
  { limit: 'smsPerMonth', used: 'smsThisMonth' },
  { limit: 'voiceCallsPerMonth', used: 'voiceCallsThisMonth' },
];

export async function UsageMeters({ usage }: { usage: Usage }) {
  const [t, format] = await Promise.all([getTranslations('usage'), getFormatter()]);
  const n = (value: number) => format.number(value);
  return (
    <ul className="usage-meters">
      {METERS.map(({ limit, used }) => {
        const allowed = usage.plan.limits[limit];
        const value = usage.current[used];
        // At the limit nothing more can be added; over it when a plan was lowered (nothing is removed).
        const full = allowed !== null && value >= allowed;
        const over = allowed !== null && value > allowed;
        return (
          <li key={limit} data-limit={limit}>
            <span className="meter-label">
              <span id={`meter-${limit}`}>{t(`limits.${limit}`)}</span>
              <span className={full ? 'over' : undefined}>
                {allowed === null
                  ? t('usedUnlimited', { used: n(value) })
                  : t('used', { used: n(value), allowed: n(allowed) })}
              </span>
            </span>
            {allowed === null ? null : (
              <meter
                aria-labelledby={`meter-${limit}`}
                min={0}
                max={Math.max(allowed, 1)}
                low={allowed * 0.8}
                high={allowed * 0.95}
                optimum={0}
                value={Math.min(value, allowed)}
              />
            )}
            {full ? <small className="over">{over ? t('overLimit') : t('atLimit')}</small> : null}
            {limit === 'tags' ? <small className="hint">{t('tagsIncludeDerived')}</small> : null}
          </li>
        );
      })}
      <li data-limit="storage">
        <span className="meter-label">
          <span>{t('storage')}</span>
          <span>{formatBytes(format, usage.current.storageBytes)}</span>
        </span>
      </li>
    </ul>
  );
}

export async function UsageDays({ usage }: { usage: Usage }) {
  const [t, format] = await Promise.all([getTranslations('usage'), getFormatter()]);
  const n = (value: number | null) => (value === null ? '—' : format.number(value));
  if (!usage.days.length) return <p className="empty">{t('noDays')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('day')}</th>
            <th scope="col" className="num">
              {t('points')}
            </th>
            <th scope="col" className="num">
              {t('pointsRefused')}
            </th>
            <th scope="col" className="num">
              {t('sms')}
            </th>
            <th scope="col" className="num">
              {t('calls')}
            </th>
            <th scope="col" className="num">
              {t('limits.tags')}
            </th>
            <th scope="col" className="num">
              {t('limits.gateways')}
            </th>
            <th scope="col" className="num">
              {t('limits.users')}
            </th>
            <th scope="col" className="num">
              {t('limits.reportDefinitions')}
            </th>
            <th scope="col" className="num">
              {t('storage')}
            </th>
          </tr>
        </thead>
        <tbody>
          {usage.days.map((day) => (
            <tr key={day.day}>
              <th scope="row">
                <time dateTime={day.day}>
                  {format.dateTime(new Date(`${day.day}T00:00:00Z`), {
                    dateStyle: 'medium',
                    timeZone: 'UTC',
                  })}
                </time>
              </th>
              <td className="num">{n(day.points)}</td>
              <td className={day.pointsRefused ? 'num over' : 'num'}>{n(day.pointsRefused)}</td>
              <td className="num">{n(day.sms)}</td>
              <td className="num">{n(day.voiceCalls)}</td>
              <td className="num">{n(day.tags)}</td>
              <td className="num">{n(day.gateways)}</td>
              <td className="num">{n(day.users)}</td>
              <td className="num">{n(day.reportDefinitions)}</td>
              <td className="num">
                {day.storageBytes === null ? '—' : formatBytes(format, day.storageBytes)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('totals')}</th>
            <td className="num">{n(usage.totals.points)}</td>
            <td className="num">{n(usage.totals.pointsRefused)}</td>
            <td className="num">{n(usage.totals.sms)}</td>
            <td className="num">{n(usage.totals.voiceCalls)}</td>
            <td colSpan={5} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

export async function PlanComparison({ plans, currentId }: { plans: Plan[]; currentId: string }) {
  const [t, format] = await Promise.all([getTranslations('usage'), getFormatter()]);
  const limits: PlanLimitName[] = [
    'tags',
    'gateways',
    'users',
    'reportDefinitions',
    'smsPerMonth',
    'voiceCallsPerMonth',
    'pointsPerDay',
  ];
  const mark = (plan: Plan) => (plan.id === currentId ? 'num plan-current' : 'num');
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('limit')}</th>
            {plans.map((plan) => (
              <th key={plan.id} scope="col" className={mark(plan)}>
                {plan.name}
                {plan.id === currentId ? (
                  <>
                    {' '}
                    <span className="acct-badge here">{t('current')}</span>
                  </>
                ) : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {limits.map((limit) => (
            <tr key={limit}>
              <th scope="row">{t(`planLimits.${limit}`)}</th>
              {plans.map((plan) => (
                <td key={plan.id} className={mark(plan)}>
                  {plan.limits[limit] === null ? t('noLimit') : format.number(plan.limits[limit] ?? 0)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
