import { usageQuerySchema } from '@plantwatch/shared';
import type { Metadata } from 'next';
import { getFormatter, getTranslations } from 'next-intl/server';
import { PlanComparison, UsageDays, UsageMeters } from '../../../../components/account/usage-view.tsx';
import { getUsage, listPlans } from '../../../../server/account-data.ts';
import { can } from '../../../../server/viewer.ts';
import '../../../accounts.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('usage');
  return { title: t('title') };
}

export default async function PlanPage(props: { searchParams: Promise<{ month?: string }> }) {
  const t = await getTranslations('usage');
  if (!(await can('admin'))) {
    return (
      <>
        <h1>{t('heading')}</h1>
        <p className="notice">{t('needAdmin')}</p>
      </>
    );
  }
  // A month the API would refuse is ignored: the current month is shown instead.
  const asked = usageQuerySchema.safeParse({ month: (await props.searchParams).month });
  const [usage, plans, format, l] = await Promise.all([
    getUsage(asked.success ? asked.data.month : undefined),
    listPlans(),
    getFormatter(),
    getTranslations('usage.limits'),
  ]);
  const overrides = Object.entries(usage.plan.overrides)
    .filter(([, value]) => value !== undefined)
    .map(
      ([name, value]) =>
        `${l(name as keyof typeof usage.plan.overrides)}: ${value === null ? t('noLimit') : format.number(value)}`,
    );
  return (
    <>
      <h1>{t('heading')}</h1>
      <p>
        <strong>{t('planLine', { plan: usage.plan.plan.name })}</strong>{' '}
        {usage.plan.since
          ? t('since', { when: format.dateTime(new Date(usage.plan.since), { dateStyle: 'medium' }) })
          : null}
      </p>
      {overrides.length ? <p>{t('overrides', { list: overrides.join(', ') })}</p> : null}
      <p className="notice">{t('upgrade')}</p>

      <section className="acct-section" aria-labelledby="now">
        <h2 id="now">{t('nowHeading')}</h2>
        <UsageMeters usage={usage} />
      </section>

      <section className="acct-section" aria-labelledby="days">
        <h2 id="days">{t('daysHeading')}</h2>
        <form method="get" className="filter" aria-label={t('month')}>
          <div className="field">
            <label htmlFor="usage-month">{t('month')}</label>
            <input id="usage-month" name="month" type="month" defaultValue={usage.month} required />
          </div>
          <button type="submit" className="secondary">
            {t('show')}
          </button>
        </form>
        <p className="muted">{t('daysIntro')}</p>
        <UsageDays usage={usage} />
      </section>

      <section className="acct-section" aria-labelledby="plans">
        <h2 id="plans">{t('plansHeading')}</h2>
        <p className="muted">{t('plansIntro')}</p>
        <PlanComparison plans={plans} currentId={usage.plan.plan.id} />
      </section>
    </>
  );
}
