import type { Metadata } from 'next';
import Link from 'next/link';
import { alarmRuleFields } from '../../../../../alarm-rule-form.ts';
import { AlarmRuleForm } from '../../../../../components/alarm-rule-form.tsx';
import { updateAlarmRule } from '../../../../../server/alarm-rule-actions.ts';
import { getAlarmRule, rulePlant, watchedBy } from '../../../../../server/alarm-rules-data.ts';
import { listEscalationPolicies } from '../../../../../server/people-data.ts';
import { can } from '../../../../../server/viewer.ts';
import { strings } from '../../../../../strings.ts';

export const metadata: Metadata = { title: strings.alarmRules.editTitle };

export default async function EditAlarmRulePage(props: { params: Promise<{ ruleId: string }> }) {
  const { ruleId } = await props.params;
  const [rule, plant, policies, engineer] = await Promise.all([
    getAlarmRule(ruleId),
    rulePlant(),
    listEscalationPolicies(),
    can('engineer'),
  ]);
  const a = strings.alarmRules;
  return (
    <>
      <h1>{a.editRule(rule.name)}</h1>
      <p>
        <Link href="/config/alarm-rules">{a.backToList}</Link>
      </p>
      {engineer ? (
        <AlarmRuleForm
          version={rule.updatedAt}
          action={updateAlarmRule.bind(null, rule.id, rule.kind)}
          label={a.editRule(rule.name)}
          submitLabel={strings.save}
          pendingLabel={strings.config.saving}
          plant={plant}
          policies={policies.map((p) => ({ id: p.id, name: p.name }))}
          initial={alarmRuleFields(rule)}
          watched={watchedBy(rule, plant)}
        />
      ) : (
        <p className="notice">{strings.config.readOnly}</p>
      )}
    </>
  );
}
