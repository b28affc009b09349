import type { Metadata } from 'next';
import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { AddSection, ConfigPage, ConfigTable, RemoveRow } from '../../../../components/config-list.tsx';
import { ActionForm, Field, SelectField } from '../../../../components/forms.tsx';
import { weekdayNames } from '../../../../i18n/weekdays.ts';
import { formRows, keyed, peopleFormRows } from '../../../../people-form.ts';
import { createOnCallRotation, deleteOnCallRotation } from '../../../../server/people-actions.ts';
import { listContacts, listOnCallRotations } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('people.rotationsTitle') };
}

export default async function RotationsConfigPage() {
  const [rotations, contacts, engineer] = await Promise.all([
    listOnCallRotations(),
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
    <ConfigPage title={p('rotationsTitle')} intro={p('rotationsIntro')} engineer={engineer}>
      <ConfigTable
        rows={rotations}
        rowKey={(rotation) => rotation.id}
        empty={p('noRotations')}
        columns={[
          {
            header: p('name'),
            cell: (rotation) => (
              <Link
                href={`/config/rotations/${rotation.id}`}
                aria-label={p('editRotation', { name: rotation.name })}
              >
                {rotation.name}
              </Link>
            ),
          },
          {
            header: p('schedule'),
            cell: (rotation) =>
              rotation.period === 'weekly'
                ? p('everyWeekAt', { day: days[rotation.handoffDay ?? 0] ?? '', time: rotation.handoffTime })
                : p('everyDayAt', { time: rotation.handoffTime }),
          },
          { header: p('timeZone'), cell: (rotation) => rotation.timeZone },
          {
            header: p('members'),
            cell: (rotation) => (
              <ol>
                {keyed(rotation.members, rotation.id).map(({ value: id, key }) => (
                  <li key={key}>{contactName.get(id) ?? p('unknown')}</li>
                ))}
              </ol>
            ),
          },
          { header: p('overrides'), num: true, cell: (rotation) => rotation.overrides.length },
        ]}
        actions={
          engineer
            ? (rotation) => (
                <RemoveRow name={rotation.name} action={deleteOnCallRotation.bind(null, rotation.id)} />
              )
            : undefined
        }
      />
      <AddSection
        id="new-rotation"
        title={p('newRotation')}
        engineer={engineer}
        ready={contacts.length > 0}
        needFirst={p('needContactFirst')}
      >
        <ActionForm
          action={createOnCallRotation}
          label={p('newRotation')}
          submitLabel={p('addRotation')}
          pendingLabel={c('adding')}
        >
          <Field name="name" label={p('name')} required />
          <div className="row">
            <SelectField
              name="period"
              label={p('period')}
              defaultValue="weekly"
              options={[
                { value: 'weekly', label: p('periods.weekly') },
                { value: 'daily', label: p('periods.daily') },
              ]}
            />
            <SelectField name="handoffDay" label={p('handoffDay')} defaultValue="1" options={dayOptions} />
            <Field
              name="handoffTime"
              label={p('handoffTime')}
              hint={p('handoffTimeHint')}
              defaultValue="08:00"
              required
            />
            <Field
              name="timeZone"
              label={p('timeZone')}
              hint={p('timeZoneHint')}
              placeholder="Europe/London"
            />
          </div>
          <fieldset className="row">
            <legend>{p('members')}</legend>
            {formRows(peopleFormRows.members, 'member').map(({ index: i, key }) => (
              <SelectField
                key={key}
                name={`members.${i}`}
                label={p('member', { n: i + 1 })}
                options={contactOptions}
                defaultValue={i === 0 ? contacts[0]?.id : ''}
              />
            ))}
          </fieldset>
        </ActionForm>
      </AddSection>
    </ConfigPage>
  );
}
