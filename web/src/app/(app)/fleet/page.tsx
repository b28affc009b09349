import type { Metadata } from 'next';
import Link from 'next/link';
import { listSites } from '../../../server/data.ts';
import { can, getViewer } from '../../../server/viewer.ts';
import { strings } from '../../../strings.ts';

export const metadata: Metadata = { title: strings.fleet.title };

export default async function FleetPage(props: { searchParams: Promise<{ q?: string; welcome?: string }> }) {
  const { q = '', welcome } = await props.searchParams;
  const [viewer, sites, engineer] = await Promise.all([getViewer(), listSites(), can('engineer')]);
  const needle = q.trim().toLowerCase();
  const shown = needle
    ? sites.filter((site) => `${site.name} ${site.description}`.toLowerCase().includes(needle))
    : sites;
  return (
    <>
      <h1>{strings.fleet.heading}</h1>
      {welcome ? <p className="notice">{strings.fleet.welcome(viewer.tenant.name)}</p> : null}
      {sites.length === 0 ? (
        <section className="empty" aria-labelledby="empty-heading">
          <h2 id="empty-heading">{strings.fleet.emptyHeading}</h2>
          <p>{engineer ? strings.fleet.emptyText : strings.fleet.emptyTextViewer}</p>
          {engineer ? (
            <Link className="button" href="/config/sites">
              {strings.fleet.addSite}
            </Link>
          ) : null}
        </section>
      ) : (
        <>
          <search>
            <form className="filter" action="/fleet">
              <label htmlFor="fleet-filter">{strings.fleet.filterLabel}</label>
              <input
                id="fleet-filter"
                name="q"
                type="search"
                defaultValue={q}
                placeholder={strings.fleet.filterPlaceholder}
              />
              <button type="submit">{strings.fleet.filter}</button>
              {q ? <Link href="/fleet">{strings.fleet.clearFilter}</Link> : null}
            </form>
          </search>
          <p className="hint">{strings.fleet.telemetryComing}</p>
          {shown.length === 0 ? (
            <p>{strings.fleet.noMatch(q)}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{strings.fleet.columns.site}</th>
                    <th scope="col">{strings.fleet.columns.timeZone}</th>
                    <th scope="col">{strings.fleet.columns.gateways}</th>
                    <th scope="col">{strings.fleet.columns.alarms}</th>
                    <th scope="col">{strings.fleet.columns.lastData}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((site) => (
                    <tr key={site.id}>
                      <th scope="row">
                        <Link href={`/sites/${site.id}`}>{site.name}</Link>
                        {site.description ? <div className="muted">{site.description}</div> : null}
                      </th>
                      <td>{site.timeZone}</td>
                      <td className="muted">{strings.noDataYet}</td>
                      <td className="muted">{strings.noDataYet}</td>
                      <td className="muted">{strings.noDataYet}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}
