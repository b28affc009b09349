import { roles } from '@plantwatch/shared';
import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ActionForm, Field, RemoveButton, SelectField } from '../../../components/forms.tsx';
import { LocalTime } from '../../../components/local-time.tsx';
import { createApiKey, revokeApiKey } from '../../../server/actions.ts';
import { listApiKeys } from '../../../server/data.ts';
import { can } from '../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('apiKeys.title') };
}

export default async function ApiKeysPage() {
  const t = await getTranslations();
  const k = await getTranslations('apiKeys');
  if (!(await can('admin'))) {
    return (
      <>
        <h1>{k('heading')}</h1>
        <p className="notice">{k('needAdmin')}</p>
      </>
    );
  }
  const apiKeys = await listApiKeys();
  return (
    <>
      <h1>{k('heading')}</h1>
      <p>{k('intro')}</p>
      {apiKeys.length === 0 ? (
        <p className="empty">{k('none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{k('name')}</th>
                <th scope="col">{k('role')}</th>
                <th scope="col">{k('prefix')}</th>
                <th scope="col">{k('created')}</th>
                <th scope="col">{k('lastUsed')}</th>
                <th scope="col">{t('config.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {apiKeys.map((key) => (
                <tr key={key.id}>
                  <th scope="row">{key.name}</th>
                  <td>{t(`roles.${key.role}`)}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    <LocalTime iso={key.createdAt} />
                  </td>
                  <td>{key.lastUsedAt ? <LocalTime iso={key.lastUsedAt} /> : k('never')}</td>
                  <td>
                    {key.revokedAt ? (
                      <>
                        {k('revoked')} <LocalTime iso={key.revokedAt} />
                      </>
                    ) : (
                      <RemoveButton
                        action={revokeApiKey.bind(null, key.id)}
                        confirmText={k('confirmRevoke', { name: key.name })}
                        label={`${k('revoke')} ${key.name}`}
                        text={k('revoke')}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="new-key">
        <h2 id="new-key">{k('create')}</h2>
        <ActionForm
          action={createApiKey}
          label={k('create')}
          submitLabel={k('create')}
          pendingLabel={k('creating')}
        >
          <Field name="name" label={k('name')} required />
          <SelectField
            name="role"
            label={k('role')}
            options={roles.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
            defaultValue="viewer"
          />
        </ActionForm>
      </section>
    </>
  );
}
