import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { alarmRuleFields } from '../../../../../alarm-rule-form.ts';
import { AlarmRuleForm } from '../../../../../components/alarm-rule-form.tsx';
import { watchedBy } from '../../../../../rule-watches.ts';
import { updateAlarmRule } from '../../../../../server/alarm-rule-actions.ts';
import { getAlarmRule, rulePlant } from '../../../../../server/alarm-rules-data.ts';
import { listEscalationPolicies } from '../../../../../server/people-data.ts';
import { can } from '../../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('alarmRules.editTitle') };
}

export default async function EditAlarmRulePage(props: { params: Promise<{ ruleId: string }> }) {
  const t = await getTranslations();
  const { ruleId } = await props.params;
  const [rule, plant, policies, engineer] = await Promise.all([
    getAlarmRule(ruleId),
    rulePlant(),
    listEscalationPolicies(),
    can('engineer'),
  ]);
  const a = await getTranslations('alarmRules');
  return (
    <>
      <h1>{a('editRule', { name: rule.name })}</h1>
      <p>
        <Link href="/config/alarm-rules">{a('backToList')}</Link>
      </p>
      {engineer ? (
        <AlarmRuleForm
          version={rule.updatedAt}
          action={updateAlarmRule.bind(null, rule.id, rule.kind)}
          label={a('editRule', { name: rule.name })}
          submitLabel={t('common.save')}
          pendingLabel={t('config.saving')}
          plant={plant}
          policies={policies.map((p) => ({ id: p.id, name: p.name }))}
          initial={alarmRuleFields(rule)}
          watched={watchedBy(rule, plant, t)}
        />
      ) : (
        <p className="notice">{t('config.readOnly')}</p>
      )}
    </>
  );
}
