// The keys section of an HTTP push device's page: its keys (name, first characters, made, last used,
// revoked), a form that makes one and shows it once, and a revoke button per key in use.
import { getTranslations } from 'next-intl/server';
import { createDeviceKey, revokeDeviceKey } from '../server/actions.ts';
import { listDeviceKeys } from '../server/device-keys-data.ts';
import { ConfigTable } from './config-list.tsx';
import { ActionForm, Field, RemoveButton } from './forms.tsx';
import { LocalTime } from './local-time.tsx';

export async function DeviceKeys(props: { deviceId: string; engineer: boolean }) {
  const k = await getTranslations('deviceKeys');
  const keys = await listDeviceKeys(props.deviceId);
  return (
    <section aria-labelledby="device-keys">
      <h2 id="device-keys">{k('heading')}</h2>
      <p>{k('intro')}</p>
      <ConfigTable
        rows={keys}
        rowKey={(key) => key.id}
        empty={k('none')}
        columns={[
          { header: k('name'), cell: (key) => key.name },
          { header: k('prefix'), cell: (key) => <code>{key.prefix}…</code> },
          { header: k('created'), cell: (key) => <LocalTime iso={key.createdAt} /> },
          {
            header: k('lastUsed'),
            cell: (key) => (key.lastUsedAt ? <LocalTime iso={key.lastUsedAt} /> : k('never')),
          },
          {
            header: k('status'),
            cell: (key) =>
              key.revokedAt ? (
                <>
                  {k('revoked')} <LocalTime iso={key.revokedAt} />
                </>
              ) : props.engineer ? (
                <RemoveButton
                  action={revokeDeviceKey.bind(null, props.deviceId, key.id)}
                  confirmText={k('confirmRevoke', { name: key.name })}
                  label={`${k('revoke')} ${key.name}`}
                  text={k('revoke')}
                />
              ) : (
                k('active')
              ),
          },
        ]}
      />
      {props.engineer ? (
        <ActionForm
          action={createDeviceKey.bind(null, props.deviceId)}
          label={k('create')}
          submitLabel={k('create')}
          pendingLabel={k('creating')}
        >
          <Field name="name" label={k('name')} required maxLength={100} />
        </ActionForm>
      ) : (
        <p className="notice">{k('readOnly')}</p>
      )}
    </section>
  );
}
