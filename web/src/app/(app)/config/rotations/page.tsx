import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm, Field, RemoveButton, SelectField } from '../../../../components/forms.tsx';
import { formRows, keyed, peopleFormRows } from '../../../../people-form.ts';
import { createOnCallRotation, deleteOnCallRotation } from '../../../../server/people-actions.ts';
import { listContacts, listOnCallRotations } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

export const metadata: Metadata = { title: strings.people.rotationsTitle };

export default async function RotationsConfigPage() {
  const [rotations, contacts, engineer] = await Promise.all([
    listOnCallRotations(),
    listContacts(),
    can('engineer'),
  ]);
  const p = strings.people;
  const c = strings.config;
  const contactName = new Map(contacts.map((contact) => [contact.id, contact.name]));
  const contactOptions = [
    { value: '', label: p.unused },
    ...contacts.map((contact) => ({ value: contact.id, label: contact.name })),
  ];
  const dayOptions = p.days.map((day, index) => ({ value: String(index), label: day }));
  return (
    <>
      <h1>{p.rotationsTitle}</h1>
      <p>{p.rotationsIntro}</p>
      {engineer ? null : <p className="notice">{c.readOnly}</p>}
      {rotations.length === 0 ? (
        <p className="empty">{p.noRotations}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{p.name}</th>
                <th scope="col">{p.schedule}</th>
                <th scope="col">{p.timeZone}</th>
                <th scope="col">{p.members}</th>
                <th scope="col" className="num">
                  {p.overrides}
                </th>
                {engineer ? <th scope="col">{c.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rotations.map((rotation) => (
                <tr key={rotation.id}>
                  <th scope="row">
                    <Link
                      href={`/config/rotations/${rotation.id}`}
                      aria-label={p.editRotation(rotation.name)}
                    >
                      {rotation.name}
                    </Link>
                  </th>
                  <td>
                    {rotation.period === 'weekly'
                      ? p.everyWeekAt(p.days[rotation.handoffDay ?? 0] ?? '', rotation.handoffTime)
                      : p.everyDayAt(rotation.handoffTime)}
                  </td>
                  <td>{rotation.timeZone}</td>
                  <td>
                    <ol>
                      {keyed(rotation.members, rotation.id).map(({ value: id, key }) => (
                        <li key={key}>{contactName.get(id) ?? p.unknown}</li>
                      ))}
                    </ol>
                  </td>
                  <td className="num">{rotation.overrides.length}</td>
                  {engineer ? (
                    <td>
                      <RemoveButton
                        action={deleteOnCallRotation.bind(null, rotation.id)}
                        confirmText={c.confirmRemove(rotation.name)}
                        label={`${strings.remove} ${rotation.name}`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {engineer && contacts.length === 0 ? <p>{p.needContactFirst}</p> : null}
      {engineer && contacts.length > 0 ? (
        <section aria-labelledby="new-rotation">
          <h2 id="new-rotation">{p.newRotation}</h2>
          <ActionForm
            action={createOnCallRotation}
            label={p.newRotation}
            submitLabel={p.addRotation}
            pendingLabel={c.adding}
          >
            <Field name="name" label={p.name} required />
            <div className="row">
              <SelectField
                name="period"
                label={p.period}
                defaultValue="weekly"
                options={[
                  { value: 'weekly', label: p.periods.weekly },
                  { value: 'daily', label: p.periods.daily },
                ]}
              />
              <SelectField name="handoffDay" label={p.handoffDay} defaultValue="1" options={dayOptions} />
              <Field
                name="handoffTime"
                label={p.handoffTime}
                hint={p.handoffTimeHint}
                defaultValue="08:00"
                required
              />
              <Field name="timeZone" label={p.timeZone} hint={p.timeZoneHint} placeholder="Europe/London" />
            </div>
            <fieldset className="row">
              <legend>{p.members}</legend>
              {formRows(peopleFormRows.members, 'member').map(({ index: i, key }) => (
                <SelectField
                  key={key}
                  name={`members.${i}`}
                  label={p.member(i + 1)}
                  options={contactOptions}
                  defaultValue={i === 0 ? contacts[0]?.id : ''}
                />
              ))}
            </fieldset>
          </ActionForm>
        </section>
      ) : null}
    </>
  );
}
