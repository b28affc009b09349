import type { Metadata } from 'next';
import Link from 'next/link';
import { RemoveButton } from '../../../../components/forms.tsx';
import { TagForm, TagImportForm } from '../../../../components/plant-forms.tsx';
import { createTag, deleteTag, importTags } from '../../../../server/actions.ts';
import { listDevices, listTags } from '../../../../server/data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

export const metadata: Metadata = { title: strings.config.tagsTitle };

export default async function TagsConfigPage(props: { searchParams: Promise<{ deviceId?: string }> }) {
  const { deviceId: requested } = await props.searchParams;
  const [devices, engineer] = await Promise.all([listDevices(), can('engineer')]);
  const deviceId = devices.some((d) => d.id === requested) ? requested : devices[0]?.id;
  const tags = deviceId ? await listTags(deviceId) : [];
  const c = strings.config;
  const choices = devices.map((d) => ({
    value: d.id,
    label: `${d.name} (${d.key})`,
    protocol: d.connection.protocol,
  }));
  return (
    <>
      <h1>{c.tagsTitle}</h1>
      {engineer ? null : <p className="notice">{c.readOnly}</p>}
      {devices.length === 0 ? (
        <p className="empty">{c.needDeviceFirst}</p>
      ) : (
        <form className="filter" action="/config/tags">
          <label htmlFor="tags-device">{c.filterByDevice}</label>
          <select id="tags-device" name="deviceId" defaultValue={deviceId}>
            {choices.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
          <button type="submit">{c.show}</button>
        </form>
      )}
      {deviceId && tags.length === 0 ? <p className="empty">{c.noTags}</p> : null}
      {tags.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{c.name}</th>
                <th scope="col">{c.key}</th>
                <th scope="col">{c.addressKind}</th>
                <th scope="col">{c.unit}</th>
                <th scope="col" className="num">
                  {c.scale}
                </th>
                <th scope="col" className="num">
                  {c.deadband}
                </th>
                {engineer ? <th scope="col">{c.actions}</th> : null}
              </tr>
            </thead>
            <tbody>
              {tags.map((tag) => (
                <tr key={tag.id}>
                  <th scope="row">{tag.name}</th>
                  <td>
                    <code>{tag.key}</code>
                  </td>
                  <td>
                    <code>
                      {tag.address.kind === 'opcua'
                        ? tag.address.nodeId
                        : `${tag.address.area} ${tag.address.address} ${tag.address.type}`}
                    </code>
                  </td>
                  <td>{tag.unit}</td>
                  <td className="num">{tag.scale}</td>
                  <td className="num">{tag.deadband}</td>
                  {engineer ? (
                    <td>
                      <RemoveButton
                        action={deleteTag.bind(null, tag.id)}
                        confirmText={c.confirmRemove(tag.name)}
                        label={`${strings.remove} ${tag.name}`}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {engineer && devices.length === 0 ? (
        <p>
          <Link href="/config/devices">{c.addDevice}</Link>
        </p>
      ) : null}
      {engineer && devices.length > 0 ? (
        <div className="columns">
          <section aria-labelledby="new-tag">
            <h2 id="new-tag">{c.newTag}</h2>
            <TagForm action={createTag} devices={choices} deviceId={deviceId} />
          </section>
          <section aria-labelledby="import-tags">
            <h2 id="import-tags">{c.csvHeading}</h2>
            <TagImportForm action={importTags} devices={choices} deviceId={deviceId} />
          </section>
        </div>
      ) : null}
    </>
  );
}
