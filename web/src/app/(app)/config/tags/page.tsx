import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ConfigPage, ConfigTable, RemoveRow } from '../../../../components/config-list.tsx';
import { DeviceTemplates } from '../../../../components/gateway-remote/device-templates.tsx';
import '../../../../components/gateway-remote/gateway-remote.css';
import { TagCsvImport } from '../../../../components/gateway-remote/tag-csv-import.tsx';
import { TagForm } from '../../../../components/plant-forms.tsx';
import { describeTagAddress } from '../../../../plant-text.ts';
import { createTag, deleteTag } from '../../../../server/actions.ts';
import { listDevices, listTags } from '../../../../server/data.ts';
import { listDeviceTemplates } from '../../../../server/gateway-remote-data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('config.tagsTitle') };
}

export default async function TagsConfigPage(props: { searchParams: Promise<{ deviceId?: string }> }) {
  const { deviceId: requested } = await props.searchParams;
  const [devices, engineer, templates] = await Promise.all([
    listDevices(),
    can('engineer'),
    listDeviceTemplates(),
  ]);
  const deviceId = devices.some((d) => d.id === requested) ? requested : devices[0]?.id;
  const tags = deviceId ? await listTags(deviceId) : [];
  const c = await getTranslations('config');
  const r = await getTranslations('remote');
  const choices = devices.map((d) => ({
    value: d.id,
    label: `${d.name} (${d.key})`,
    protocol: d.connection.protocol,
  }));
  return (
    <ConfigPage title={c('tagsTitle')} engineer={engineer}>
      {devices.length === 0 ? (
        <p className="empty">{c('needDeviceFirst')}</p>
      ) : (
        <form className="filter" action="/config/tags">
          <label htmlFor="tags-device">{c('filterByDevice')}</label>
          <select id="tags-device" name="deviceId" defaultValue={deviceId}>
            {choices.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
          <button type="submit">{c('show')}</button>
        </form>
      )}
      {deviceId ? (
        <ConfigTable
          rows={tags}
          rowKey={(tag) => tag.id}
          empty={c('noTags')}
          columns={[
            { header: c('name'), cell: (tag) => tag.name },
            { header: c('key'), cell: (tag) => <code>{tag.key}</code> },
            {
              header: c('addressKind'),
              cell: (tag) => <code>{describeTagAddress(tag.address)}</code>,
            },
            { header: c('unit'), cell: (tag) => tag.unit },
            { header: c('scale'), num: true, cell: (tag) => tag.scale },
            { header: c('deadband'), num: true, cell: (tag) => tag.deadband },
          ]}
          actions={
            engineer
              ? (tag) => <RemoveRow name={tag.name} action={deleteTag.bind(null, tag.id)} />
              : undefined
          }
        />
      ) : null}
      {engineer && devices.length === 0 ? (
        <p>
          <Link href="/config/devices">{c('addDevice')}</Link>
        </p>
      ) : null}
      {engineer && devices.length > 0 ? (
        <div className="columns">
          <section aria-labelledby="new-tag">
            <h2 id="new-tag">{c('newTag')}</h2>
            <TagForm action={createTag} devices={choices} deviceId={deviceId} />
          </section>
          <section aria-labelledby="import-tags">
            <h2 id="import-tags">{r('csv.heading')}</h2>
            <TagCsvImport devices={choices} deviceId={deviceId} />
          </section>
        </div>
      ) : null}
      {!engineer && deviceId ? (
        <p>
          <a href={`/api/devices/${deviceId}/tags-csv`} download>
            {r('csv.exportShort')}
          </a>
        </p>
      ) : null}
      {devices.length > 0 ? (
        <DeviceTemplates templates={templates} devices={devices} deviceId={deviceId} engineer={engineer} />
      ) : null}
    </ConfigPage>
  );
}
