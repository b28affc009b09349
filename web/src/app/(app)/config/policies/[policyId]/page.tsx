import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ActionForm } from '../../../../../components/forms.tsx';
import { updateEscalationPolicy } from '../../../../../server/people-actions.ts';
import { getEscalationPolicy, listContacts, listOnCallRotations } from '../../../../../server/people-data.ts';
import { can } from '../../../../../server/viewer.ts';
import { PolicyFields } from '../policy-fields.tsx';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('people.editPolicyTitle') };
}

export default async function EditPolicyPage(props: { params: Promise<{ policyId: string }> }) {
  const t = await getTranslations();
  const { policyId } = await props.params;
  const [policy, contacts, rotations, engineer] = await Promise.all([
    getEscalationPolicy(policyId),
    listContacts(),
    listOnCallRotations(),
    can('engineer'),
  ]);
  const p = await getTranslations('people');
  return (
    <>
      <h1>{p('editPolicy', { name: policy.name })}</h1>
      <p>
        <Link href="/config/policies">{p('policiesTitle')}</Link>
      </p>
      {engineer ? (
        <ActionForm
          action={updateEscalationPolicy.bind(null, policy.id)}
          label={p('editPolicy', { name: policy.name })}
          submitLabel={t('common.save')}
          pendingLabel={t('config.saving')}
        >
          <p className="hint">{p('levelsHint')}</p>
          {/* keyed by the last change, so the fields show the saved policy after Save */}
          <div key={policy.updatedAt} className="form">
            <PolicyFields contacts={contacts} rotations={rotations} policy={policy} />
          </div>
        </ActionForm>
      ) : (
        <p className="notice">{t('config.readOnly')}</p>
      )}
    </>
  );
}
