import { contactChannelTypes } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { AddSection, ConfigPage, ConfigTable, RemoveRow } from '../../../../components/config-list.tsx';
import { ActionForm, Field, SelectField } from '../../../../components/forms.tsx';
import { LOCALE_NAMES, LOCALES } from '../../../../i18n/locales.ts';
import { formRows, keyed, peopleFormRows } from '../../../../people-form.ts';
import { createContact, deleteContact } from '../../../../server/people-actions.ts';
import { listContacts } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('people.contactsTitle') };
}

export default async function ContactsConfigPage() {
  const [contacts, engineer] = await Promise.all([listContacts(), can('engineer')]);
  const p = await getTranslations('people');
  const c = await getTranslations('config');
  const ct = await getTranslations('channelTests');
  const typeOptions = contactChannelTypes.map((type) => ({ value: type, label: p(`channelTypes.${type}`) }));
  return (
    <ConfigPage title={p('contactsTitle')} intro={p('contactsIntro')} engineer={engineer}>
      <ConfigTable
        rows={contacts}
        rowKey={(contact) => contact.id}
        empty={p('noContacts')}
        columns={[
          {
            header: p('name'),
            cell: (contact) => (
              <Link
                href={`/config/contacts/${contact.id}`}
                aria-label={p('editContact', { name: contact.name })}
              >
                {contact.name}
              </Link>
            ),
          },
          {
            header: p('channels'),
            cell: (contact) => (
              <ol>
                {keyed(contact.channels, contact.id).map(({ value: channel, key }) => (
                  <li key={key}>
                    {p(`channelTypes.${channel.type}`)}:{' '}
                    {channel.address ?? <span className="muted">{ct('notLinked')}</span>}
                  </li>
                ))}
              </ol>
            ),
          },
          { header: ct('language'), cell: (contact) => LOCALE_NAMES[contact.language] },
        ]}
        actions={
          engineer
            ? (contact) => <RemoveRow name={contact.name} action={deleteContact.bind(null, contact.id)} />
            : undefined
        }
      />
      <AddSection id="new-contact" title={p('newContact')} engineer={engineer}>
        <ActionForm
          action={createContact}
          label={p('newContact')}
          submitLabel={p('addContact')}
          pendingLabel={c('adding')}
        >
          <Field name="name" label={p('name')} required />
          <SelectField
            name="language"
            label={ct('language')}
            hint={ct('languageHint')}
            options={LOCALES.map((locale) => ({ value: locale, label: LOCALE_NAMES[locale] }))}
          />
          <p className="hint">{ct('telegramHint')}</p>
          {formRows(peopleFormRows.channels, 'channel').map(({ index: i, key }) => (
            <fieldset key={key} className="row">
              <legend>{p('channel', { n: i + 1 })}</legend>
              <SelectField
                name={`channels.${i}.type`}
                label={p('channelType', { n: i + 1 })}
                options={typeOptions}
              />
              <Field
                name={`channels.${i}.address`}
                label={p('channelAddress', { n: i + 1 })}
                hint={i === 0 ? p('channelAddressHint') : undefined}
                required={i === 0}
              />
            </fieldset>
          ))}
        </ActionForm>
      </AddSection>
    </ConfigPage>
  );
}
