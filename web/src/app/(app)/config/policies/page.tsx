import type { EscalationTarget } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm, RemoveButton } from '../../../../components/forms.tsx';
import { keyed } from '../../../../people-form.ts';
import { createEscalationPolicy, deleteEscalationPolicy } from '../../../../server/people-actions.ts';
import { listContacts, listEscalationPolicies, listOnCallRotations } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';
import { PolicyFields } from './policy-fields.tsx';

export const metadata: Metadata = { title: strings.people.policiesTitle };

export default async function PoliciesConfigPage() {
  const [policies, contacts, rotations, engineer] = await Promise.all([
    listEscalationPolicies(),
    listContacts(),
    listOnCallRotations(),
    can('engineer'),
  ]);
  const p = strings.people;
  const c = strings.config;
  const contactName = new Map(contacts.map((contact) => [contact.id, contact.name]));
  const rotationName = new Map(rotations.map((rotation) => [rotation.id, rotation.name]));
  const targetLabel = (target: EscalationTarget) =>
    target.type === 'contact'
      ? (contactName.get(target.contactId) ?? p.unknown)
      : p.onCall(rotationName.get(target.rotationId) ?? p.unknown);
  return (
    <>
      <h1>{p.policiesTitle}</h1>
      <p>{p.policiesIntro}</p>
      {engineer ? null : <p className="notice">{c.readOnly}</p>}
      {policies.length === 0 ? (
        <p className="empty">{p.noPolicies}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{p.name}</th>
                <th scope="col">{p.levels}</th>
                <th scope="col">{p.repeat}</th>
                {engineer ? <th scope="col">{c.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {policies.map((policy) => (
                <tr key={policy.id}>
                  <th scope="row">
                    <Link href={`/config/policies/${policy.id}`} aria-label={p.editPolicy(policy.name)}>
                      {policy.name}
                    </Link>
                  </th>
                  <td>
                    <ol>
                      {keyed(policy.levels, policy.id).map(({ value: level, key }) => (
                        <li key={key}>
                          {p.afterMinutes(level.delayMinutes)}: {level.targets.map(targetLabel).join(', ')}
                          {level.channels
                            ? ` (${level.channels.map((type) => p.channelTypes[type]).join(', ')})`
                            : ''}
                        </li>
                      ))}
                    </ol>
                  </td>
                  <td>{p.times(policy.repeat)}</td>
                  {engineer ? (
                    <td>
                      <RemoveButton
                        action={deleteEscalationPolicy.bind(null, policy.id)}
                        confirmText={c.confirmRemove(policy.name)}
                        label={`${strings.remove} ${policy.name}`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {engineer && contacts.length === 0 && rotations.length === 0 ? <p>{p.needTargetFirst}</p> : null}
      {engineer && (contacts.length > 0 || rotations.length > 0) ? (
        <section aria-labelledby="new-policy">
          <h2 id="new-policy">{p.newPolicy}</h2>
          <ActionForm
            action={createEscalationPolicy}
            label={p.newPolicy}
            submitLabel={p.addPolicy}
            pendingLabel={c.adding}
          >
            <PolicyFields contacts={contacts} rotations={rotations} />
          </ActionForm>
        </section>
      ) : null}
    </>
  );
}
