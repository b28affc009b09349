import { roleAbilities, roles } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ActionForm, Field, RemoveButton, SelectField } from '../../../components/forms.tsx';
import { changeRole, inviteUser, removeUser } from '../../../server/actions.ts';
import { listUsers } from '../../../server/data.ts';
import { can, getViewer } from '../../../server/viewer.ts';
import '../../accounts.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('users.title') };
}

export default async function UsersPage() {
  const t = await getTranslations();
  const u = await getTranslations('users');
  const s = await getTranslations('userSecurity');
  const roleChoices = roles.map((role) => ({ value: role, label: t(`roles.${role}`) }));
  if (!(await can('admin'))) {
    return (
      <>
        <h1>{u('heading')}</h1>
        <p className="notice">{u('needAdmin')}</p>
      </>
    );
  }
  const [viewer, users] = await Promise.all([getViewer(), listUsers()]);
  return (
    <>
      <h1>{u('heading')}</h1>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{u('name')}</th>
              <th scope="col">{u('email')}</th>
              <th scope="col">{u('status')}</th>
              <th scope="col">{u('role')}</th>
              <th scope="col">{s('mfaColumn')}</th>
              <th scope="col">{s('loginColumn')}</th>
              <th scope="col">{t('config.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row">
                  {user.name}
                  {user.id === viewer.userId ? <span className="muted"> ({u('you')})</span> : null}
                </th>
                <td>{user.email}</td>
                <td>{u(`statuses.${user.status}`)}</td>
                <td>
                  {user.id === viewer.userId ? (
                    t(`roles.${user.role}`)
                  ) : (
                    <ActionForm
                      action={changeRole.bind(null, user.id)}
                      className="inline"
                      label={u('roleOf', { name: user.name })}
                      submitLabel={u('changeRole')}
                      pendingLabel={t('common.loading')}
                    >
                      <SelectField
                        name="role"
                        label={u('roleOf', { name: user.name })}
                        options={roleChoices}
                        defaultValue={user.role}
                      />
                    </ActionForm>
                  )}
                </td>
                <td>
                  <span className={user.mfaEnabled ? 'acct-badge on' : 'acct-badge'}>
                    {user.mfaEnabled ? s('mfaOn') : s('mfaOff')}
                  </span>
                </td>
                <td>
                  <Link href={`/users/${user.id}`} aria-label={s('detailsOf', { name: user.name })}>
                    {s('details')}
                  </Link>
                </td>
                <td>
                  {user.id === viewer.userId ? null : (
                    <RemoveButton
                      action={removeUser.bind(null, user.id)}
                      confirmText={t('config.confirmRemove', { what: user.name })}
                      label={`${t('common.remove')} ${user.name}`}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="invite">
        <h2 id="invite">{u('inviteHeading')}</h2>
        <ActionForm
          action={inviteUser}
          label={u('inviteHeading')}
          submitLabel={u('invite')}
          pendingLabel={u('inviting')}
        >
          <Field name="email" label={u('email')} type="email" required />
          <Field name="name" label={u('name')} required />
          <SelectField name="role" label={u('role')} options={roleChoices} defaultValue="viewer" />
        </ActionForm>
      </section>
      <section aria-labelledby="abilities">
        <h2 id="abilities">{u('abilities')}</h2>
        <dl className="abilities">
          {roles.map((role) => (
            <div key={role}>
              <dt>{t(`roles.${role}`)}</dt>
              <dd>{roleAbilities[role]}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}
