import type { Tag } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { LocalTime } from '../../../../components/local-time.tsx';
import { getSite, getSiteTree } from '../../../../server/data.ts';
import { can } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

type Props = { params: Promise<{ siteId: string }> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const site = await getSite((await props.params).siteId);
  return { title: strings.site.title(site.name) };
}

const describeAddress = (tag: Tag) =>
  tag.address.kind === 'opcua'
    ? tag.address.nodeId
    : `${tag.address.area} ${tag.address.address} (${tag.address.type})`;

export default async function SitePage(props: Props) {
  const { siteId } = await props.params;
  const [{ site, gateways }, engineer] = await Promise.all([getSiteTree(siteId), can('engineer')]);
  return (
    <>
      <h1>{site.name}</h1>
      {site.description ? <p>{site.description}</p> : null}
      <p className="muted">
        {site.timeZone}
        {site.location
          ? ` · ${strings.site.location} ${site.location.latitude.toFixed(4)}, ${site.location.longitude.toFixed(4)}`
          : ''}{' '}
        · {strings.site.created} <LocalTime iso={site.createdAt} />
      </p>
      <p className="notice">{strings.site.liveComing}</p>
      <h2>{strings.site.gateways}</h2>
      {gateways.length === 0 ? (
        <section className="empty">
          <p>{strings.site.noGateways}</p>
          {engineer ? (
            <Link className="button" href={`/config/gateways?siteId=${site.id}`}>
              {strings.site.addGateway}
            </Link>
          ) : null}
        </section>
      ) : null}
      {gateways.map(({ gateway, devices }) => (
        <section key={gateway.id} className="card" aria-labelledby={`gw-${gateway.id}`}>
          <h3 id={`gw-${gateway.id}`}>{gateway.name}</h3>
          {gateway.description ? <p className="muted">{gateway.description}</p> : null}
          {devices.length === 0 ? <p>{strings.site.noDevices}</p> : null}
          {devices.map(({ device, tags }) => (
            <section key={device.id} aria-labelledby={`dev-${device.id}`}>
              <h4 id={`dev-${device.id}`}>
                {device.name} <span className="muted">({device.key})</span>
              </h4>
              {tags.length === 0 ? (
                <p>{strings.site.noTags}</p>
              ) : (
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{strings.site.columns.tag}</th>
                        <th scope="col" className="wide-only">
                          {strings.site.columns.key}
                        </th>
                        <th scope="col" className="wide-only">
                          {strings.site.columns.address}
                        </th>
                        <th scope="col" className="num">
                          {strings.site.columns.value}
                        </th>
                        <th scope="col">{strings.site.columns.unit}</th>
                        <th scope="col">{strings.site.columns.updated}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {tags.map((tag) => (
                        <tr key={tag.id}>
                          <th scope="row">{tag.name}</th>
                          <td className="wide-only">
                            <code>{tag.key}</code>
                          </td>
                          <td className="wide-only">
                            <code>{describeAddress(tag)}</code>
                          </td>
                          <td className="num">{strings.noValue}</td>
                          <td>{tag.unit}</td>
                          <td>{strings.noValue}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          ))}
        </section>
      ))}
    </>
  );
}
