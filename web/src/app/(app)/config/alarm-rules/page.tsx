import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { describeAlarmRule } from '../../../../alarm-rule-form.ts';
import { AlarmRuleForm } from '../../../../components/alarm-rule-form.tsx';
import { ConfigActionButton } from '../../../../components/config-action-button.tsx';
import { AddSection, ConfigPage, ConfigTable, RemoveRow } from '../../../../components/config-list.tsx';
import { watchedBy } from '../../../../rule-watches.ts';
import {
  createAlarmRule,
  deleteAlarmRule,
  setAlarmRuleEnabled,
} from '../../../../server/alarm-rule-actions.ts';
import { listAlarmRules, rulePlant } from '../../../../server/alarm-rules-data.ts';
import { listEscalationPolicies } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('alarmRules.title') };
}

export default async function AlarmRulesConfigPage() {
  const [rules, plant, policies, engineer] = await Promise.all([
    listAlarmRules(),
    rulePlant(),
    listEscalationPolicies(),
    can('engineer'),
  ]);
  const t = await getTranslations();
  const a = await getTranslations('alarmRules');
  const c = await getTranslations('config');
  const unitOf = new Map([...plant.tags, ...plant.derivedTags].map((t) => [t.id, t.unit]));
  const policyName = new Map(policies.map((p) => [p.id, p.name]));
  return (
    <ConfigPage title={a('title')} intro={a('intro')} engineer={engineer}>
      <ConfigTable
        rows={rules}
        rowKey={(rule) => rule.id}
        empty={a('noRules')}
        columns={[
          {
            header: c('name'),
            cell: (rule) =>
              engineer ? (
                <Link href={`/config/alarm-rules/${rule.id}`} aria-label={a('editRule', { name: rule.name })}>
                  {rule.name}
                </Link>
              ) : (
                rule.name
              ),
          },
          { header: a('kind'), cell: (rule) => a(`kinds.${rule.kind}`) },
          { header: a('watches'), cell: (rule) => watchedBy(rule, plant, t) },
          {
            header: a('condition'),
            cell: (rule) => describeAlarmRule(rule, rule.tagId === null ? '' : unitOf.get(rule.tagId), t),
          },
          {
            header: a('severity'),
            cell: (rule) =>
              rule.kind === 'limit'
                ? rule.levels.map((l) => a(`severities.${l.severity}`)).join(', ')
                : a(`severities.${rule.severity}`),
          },
          {
            header: a('policy'),
            cell: (rule) =>
              rule.escalationPolicyId ? (policyName.get(rule.escalationPolicyId) ?? '') : a('noPolicy'),
          },
          { header: a('status'), cell: (rule) => (rule.enabled ? a('on') : a('off')) },
        ]}
        actions={
          engineer
            ? (rule) => (
                <>
                  <ConfigActionButton
                    action={setAlarmRuleEnabled.bind(null, rule.id, rule.name, !rule.enabled)}
                    text={rule.enabled ? a('disable') : a('enable')}
                    label={
                      rule.enabled
                        ? a('disableRule', { name: rule.name })
                        : a('enableRule', { name: rule.name })
                    }
                  />{' '}
                  <RemoveRow name={rule.name} action={deleteAlarmRule.bind(null, rule.id)} />
                </>
              )
            : undefined
        }
      />
      <AddSection
        id="new-alarm-rule"
        title={a('newRule')}
        engineer={engineer}
        ready={plant.tags.length > 0 || plant.gateways.length > 0}
        needFirst={a('needTagFirst')}
      >
        <AlarmRuleForm
          action={createAlarmRule}
          label={a('newRule')}
          submitLabel={a('addRule')}
          pendingLabel={c('adding')}
          plant={plant}
          policies={policies.map((p) => ({ id: p.id, name: p.name }))}
        />
      </AddSection>
    </ConfigPage>
  );
}
