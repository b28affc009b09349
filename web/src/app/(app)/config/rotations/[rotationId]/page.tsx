import { localDateTimeOf } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { ActionForm, Field, RemoveButton, SelectField } from '../../../../../components/forms.tsx';
import { weekdayNames } from '../../../../../i18n/weekdays.ts';
import { formRows, keyed, peopleFormRows } from '../../../../../people-form.ts';
import { addOverride, removeOverride, updateOnCallRotation } from '../../../../../server/people-actions.ts';
import { getOnCallRotation, listContacts } from '../../../../../server/people-data.ts';
import { can } from '../../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('people.editRotationTitle') };
}

/** "2026-12-24T08:00" → "2026-12-24 08:00" */
const shown = (local: string) => local.replace('T', ' ');

export default async function EditRotationPage(props: { params: Promise<{ rotationId: string }> }) {
  const t = await getTranslations();
  const { rotationId } = await props.params;
  const [rotation, contacts, engineer] = await Promise.all([
    getOnCallRotation(rotationId),
    listContacts(),
    can('engineer'),
  ]);
  const p = await getTranslations('people');
  const c = await getTranslations('config');
  const contactName = new Map(contacts.map((contact) => [contact.id, contact.name]));
  const contactOptions = [
    { value: '', label: p('unused') },
    ...contacts.map((contact) => ({ value: contact.id, label: contact.name })),
  ];
  const days = weekdayNames(await getLocale());
  const dayOptions = days.map((day, index) => ({ value: String(index), label: day }));
  return (
    <>
      <h1>{p('editRotation', { name: rotation.name })}</h1>
      <p>
        <Link href="/config/rotations">{p('rotationsTitle')}</Link>
      </p>
      {engineer ? (
        <ActionForm
          action={updateOnCallRotation.bind(null, rotation.id)}
          label={p('editRotation', { name: rotation.name })}
          submitLabel={t('common.save')}
          pendingLabel={c('saving')}
        >
          {/* keyed by the last change, so the fields show the saved rotation after Save (selects keep their first default otherwise) */}
          <div key={rotation.updatedAt} className="form">
            <Field name="name" label={p('name')} required defaultValue={rotation.name} />
            <div className="row">
              <SelectField
                name="period"
                label={p('period')}
                defaultValue={rotation.period}
                options={[
                  { value: 'weekly', label: p('periods.weekly') },
                  { value: 'daily', label: p('periods.daily') },
                ]}
              />
              <SelectField
                name="handoffDay"
                label={p('handoffDay')}
                defaultValue={String(rotation.handoffDay ?? 1)}
                options={dayOptions}
              />
              <Field
                name="handoffTime"
                label={p('handoffTime')}
                hint={p('handoffTimeHint')}
                defaultValue={rotation.handoffTime}
                required
              />
              <Field name="timeZone" label={p('timeZone')} defaultValue={rotation.timeZone} required />
            </div>
            <fieldset className="row">
              <legend>{p('members')}</legend>
              {formRows(Math.max(peopleFormRows.members, rotation.members.length + 1), 'member').map(
                ({ index: i, key }) => (
                  <SelectField
                    key={key}
                    name={`members.${i}`}
                    label={p('member', { n: i + 1 })}
                    options={contactOptions}
                    defaultValue={rotation.members[i] ?? ''}
                  />
                ),
              )}
            </fieldset>
          </div>
        </ActionForm>
      ) : (
        <p className="notice">{c('readOnly')}</p>
      )}
      <section aria-labelledby="overrides">
        <h2 id="overrides">{p('overrides')}</h2>
        <p>{p('overridesIntro', { timeZone: rotation.timeZone })}</p>
        {rotation.overrides.length === 0 ? (
          <p className="empty">{p('noOverrides')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{p('contact')}</th>
                  <th scope="col">{p('from')}</th>
                  <th scope="col">{p('to')}</th>
                  {engineer ? <th scope="col">{c('actions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {keyed(rotation.overrides, 'override').map(({ value: override, key }) => {
                  const name = contactName.get(override.contactId) ?? p('unknown');
                  const from = shown(localDateTimeOf(rotation.timeZone, override.from));
                  return (
                    <tr key={key}>
                      <th scope="row">{name}</th>
                      <td>{from}</td>
                      <td>{shown(localDateTimeOf(rotation.timeZone, override.to))}</td>
                      {engineer ? (
                        <td>
                          <RemoveButton
                            action={removeOverride.bind(null, rotation.id, override)}
                            confirmText={c('confirmRemove', {
                              what: p('removeOverride', { name: name, from: from }),
                            })}
                            label={p('removeOverride', { name: name, from: from })}
                            text={t('common.remove')}
                          />
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {engineer && contacts.length > 0 ? (
          <>
            <h3 id="new-override">{p('newOverride')}</h3>
            <ActionForm
              action={addOverride.bind(null, rotation.id, rotation.timeZone)}
              label={p('newOverride')}
              submitLabel={p('addOverride')}
              pendingLabel={c('adding')}
            >
              <div className="row">
                <SelectField name="contactId" label={p('contact')} options={contactOptions.slice(1)} />
                <Field name="from" label={p('from')} type="datetime-local" required />
                <Field name="to" label={p('to')} type="datetime-local" required />
              </div>
            </ActionForm>
          </>
        ) : null}
      </section>
    </>
  );
}
