import { contactChannelTypes } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ContactChannels } from '../../../../../components/contact-channels.tsx';
import { ActionForm, Field, SelectField } from '../../../../../components/forms.tsx';
import { LOCALE_NAMES, LOCALES } from '../../../../../i18n/locales.ts';
import { formRows, peopleFormRows } from '../../../../../people-form.ts';
import { updateContact } from '../../../../../server/people-actions.ts';
import { getContact } from '../../../../../server/people-data.ts';
import { can } from '../../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('people.editContactTitle') };
}

export default async function EditContactPage(props: { params: Promise<{ contactId: string }> }) {
  const t = await getTranslations();
  const { contactId } = await props.params;
  const [contact, engineer] = await Promise.all([getContact(contactId), can('engineer')]);
  const p = await getTranslations('people');
  const c = await getTranslations('config');
  const ct = await getTranslations('channelTests');
  const typeOptions = contactChannelTypes.map((type) => ({ value: type, label: p(`channelTypes.${type}`) }));
  // one empty row more than the contact has, so a channel can be added; at most 10 channels
  const channelRows = Math.min(10, Math.max(peopleFormRows.channels, contact.channels.length + 1));
  return (
    <>
      <h1>{p('editContact', { name: contact.name })}</h1>
      <p>
        <Link href="/config/contacts">{p('contactsTitle')}</Link>
      </p>
      {engineer ? (
        <ActionForm
          action={updateContact.bind(null, contact.id)}
          label={p('editContact', { name: contact.name })}
          submitLabel={t('common.save')}
          pendingLabel={c('saving')}
        >
          {/* keyed by the last change, so the fields show the saved contact after Save */}
          <div key={contact.updatedAt} className="form">
            <input type="hidden" name="channelRows" value={channelRows} />
            <Field name="name" label={p('name')} required defaultValue={contact.name} />
            <SelectField
              name="language"
              label={ct('language')}
              hint={ct('languageHint')}
              options={LOCALES.map((locale) => ({ value: locale, label: LOCALE_NAMES[locale] }))}
              defaultValue={contact.language}
            />
            <p className="hint">{p('channelsOrderHint')}</p>
            <p className="hint">{ct('telegramHint')}</p>
            {formRows(channelRows, 'channel').map(({ index: i, key }) => (
              <fieldset key={key} className="row">
                <legend>{p('channel', { n: i + 1 })}</legend>
                <SelectField
                  name={`channels.${i}.type`}
                  label={p('channelType', { n: i + 1 })}
                  options={typeOptions}
                  defaultValue={contact.channels[i]?.type ?? 'sms'}
                />
                <Field
                  name={`channels.${i}.address`}
                  label={p('channelAddress', { n: i + 1 })}
                  hint={i === 0 ? p('channelAddressHint') : undefined}
                  defaultValue={contact.channels[i]?.address ?? ''}
                />
              </fieldset>
            ))}
          </div>
        </ActionForm>
      ) : (
        <p className="notice">{c('readOnly')}</p>
      )}
      <ContactChannels contact={contact} engineer={engineer} languageName={LOCALE_NAMES[contact.language]} />
    </>
  );
}
