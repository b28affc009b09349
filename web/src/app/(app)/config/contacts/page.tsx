import { contactChannelTypes } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm, Field, RemoveButton, SelectField } from '../../../../components/forms.tsx';
import { formRows, keyed, peopleFormRows } from '../../../../people-form.ts';
import { createContact, deleteContact } from '../../../../server/people-actions.ts';
import { listContacts } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

export const metadata: Metadata = { title: strings.people.contactsTitle };

export default async function ContactsConfigPage() {
  const [contacts, engineer] = await Promise.all([listContacts(), can('engineer')]);
  const p = strings.people;
  const c = strings.config;
  const typeOptions = contactChannelTypes.map((type) => ({ value: type, label: p.channelTypes[type] }));
  return (
    <>
      <h1>{p.contactsTitle}</h1>
      <p>{p.contactsIntro}</p>
      {engineer ? null : <p className="notice">{c.readOnly}</p>}
      {contacts.length === 0 ? (
        <p className="empty">{p.noContacts}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{p.name}</th>
                <th scope="col">{p.channels}</th>
                {engineer ? <th scope="col">{c.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {contacts.map((contact) => (
                <tr key={contact.id}>
                  <th scope="row">
                    <Link href={`/config/contacts/${contact.id}`} aria-label={p.editContact(contact.name)}>
                      {contact.name}
                    </Link>
                  </th>
                  <td>
                    <ol>
                      {keyed(contact.channels, contact.id).map(({ value: channel, key }) => (
                        <li key={key}>
                          {p.channelTypes[channel.type]}: {channel.address}
                        </li>
                      ))}
                    </ol>
                  </td>
                  {engineer ? (
                    <td>
                      <RemoveButton
                        action={deleteContact.bind(null, contact.id)}
                        confirmText={c.confirmRemove(contact.name)}
                        label={`${strings.remove} ${contact.name}`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {engineer ? (
        <section aria-labelledby="new-contact">
          <h2 id="new-contact">{p.newContact}</h2>
          <ActionForm
            action={createContact}
            label={p.newContact}
            submitLabel={p.addContact}
            pendingLabel={c.adding}
          >
            <Field name="name" label={p.name} required />
            {formRows(peopleFormRows.channels, 'channel').map(({ index: i, key }) => (
              <fieldset key={key} className="row">
                <legend>{p.channel(i + 1)}</legend>
                <SelectField name={`channels.${i}.type`} label={p.channelType(i + 1)} options={typeOptions} />
                <Field
                  name={`channels.${i}.address`}
                  label={p.channelAddress(i + 1)}
                  hint={i === 0 ? p.channelAddressHint : undefined}
                  required={i === 0}
                />
              </fieldset>
            ))}
          </ActionForm>
        </section>
      ) : null}
    </>
  );
}
