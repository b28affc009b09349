import type { EscalationTarget } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { AddSection, ConfigPage, ConfigTable, RemoveRow } from '../../../../components/config-list.tsx';
import { ActionForm } from '../../../../components/forms.tsx';
import { keyed } from '../../../../people-form.ts';
import { createEscalationPolicy, deleteEscalationPolicy } from '../../../../server/people-actions.ts';
import { listContacts, listEscalationPolicies, listOnCallRotations } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';
import { PolicyFields } from './policy-fields.tsx';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('people.policiesTitle') };
}

export default async function PoliciesConfigPage() {
  const [policies, contacts, rotations, engineer] = await Promise.all([
    listEscalationPolicies(),
    listContacts(),
    listOnCallRotations(),
    can('engineer'),
  ]);
  const p = await getTranslations('people');
  const c = await getTranslations('config');
  const contactName = new Map(contacts.map((contact) => [contact.id, contact.name]));
  const rotationName = new Map(rotations.map((rotation) => [rotation.id, rotation.name]));
  const targetLabel = (target: EscalationTarget) =>
    target.type === 'contact'
      ? (contactName.get(target.contactId) ?? p('unknown'))
      : p('onCall', { rotation: rotationName.get(target.rotationId) ?? p('unknown') });
  return (
    <ConfigPage title={p('policiesTitle')} intro={p('policiesIntro')} engineer={engineer}>
      <ConfigTable
        rows={policies}
        rowKey={(policy) => policy.id}
        empty={p('noPolicies')}
        columns={[
          {
            header: p('name'),
            cell: (policy) => (
              <Link
                href={`/config/policies/${policy.id}`}
                aria-label={p('editPolicy', { name: policy.name })}
              >
                {policy.name}
              </Link>
            ),
          },
          {
            header: p('levels'),
            cell: (policy) => (
              <ol>
                {keyed(policy.levels, policy.id).map(({ value: level, key }) => (
                  <li key={key}>
                    {p('afterMinutes', { n: level.delayMinutes })}:{' '}
                    {level.targets.map(targetLabel).join(', ')}
                    {level.channels
                      ? ` (${level.channels.map((type) => p(`channelTypes.${type}`)).join(', ')})`
                      : ''}
                  </li>
                ))}
              </ol>
            ),
          },
          { header: p('repeat'), cell: (policy) => p('times', { n: policy.repeat }) },
        ]}
        actions={
          engineer
            ? (policy) => (
                <RemoveRow name={policy.name} action={deleteEscalationPolicy.bind(null, policy.id)} />
              )
            : undefined
        }
      />
      <AddSection
        id="new-policy"
        title={p('newPolicy')}
        engineer={engineer}
        ready={contacts.length > 0 || rotations.length > 0}
        needFirst={p('needTargetFirst')}
      >
        <ActionForm
          action={createEscalationPolicy}
          label={p('newPolicy')}
          submitLabel={p('addPolicy')}
          pendingLabel={c('adding')}
        >
          <PolicyFields contacts={contacts} rotations={rotations} />
        </ActionForm>
      </AddSection>
    </ConfigPage>
  );
}
