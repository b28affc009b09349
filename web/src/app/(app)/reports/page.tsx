// Scheduled reports (issue #7): each definition the viewer may see, with its latest runs, their
// files (downloaded through the API's signed links) and how delivery went; operators can run one
// now; engineers add, edit, turn on and off, and remove definitions.
import type { ReportRun, ReportSchedule } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ConfigActionButton } from '../../../components/config-action-button.tsx';
import { AddSection, RemoveRow } from '../../../components/config-list.tsx';
import { LocalTime } from '../../../components/local-time.tsx';
import { ReportForm } from '../../../components/report-form.tsx';
import { ReportRunButton } from '../../../components/report-run-button.tsx';
import { periodInWords, scheduleInWords } from '../../../report-form.ts';
import { rulePlant } from '../../../server/alarm-rules-data.ts';
import { runReportNow } from '../../../server/report-actions.ts';
import { createReport, deleteReport, setReportEnabled } from '../../../server/report-definition-actions.ts';
import { listReportRuns, listReports, reportScopeAssets } from '../../../server/reports-data.ts';
import { can, getViewer } from '../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('nav.links.reports') };
}

const RUNS_SHOWN = 5;

function deliveryText(run: ReportRun): string {
  const d = run.delivery;
  if (!d) return run.status === 'succeeded' ? 'no recipients' : '';
  const how = d.mode === 'link' ? 'as links' : 'attached';
  if (d.status === 'failed') return `failed after ${d.attempts} attempt(s): ${d.lastError ?? ''}`;
  return `${d.status === 'outbox' ? 'in the outbox' : `sent by ${d.transport}`}, ${how}`;
}

function RunRow({ report, run }: { report: ReportSchedule; run: ReportRun }) {
  const who = run.trigger === 'schedule' ? 'schedule' : `run now (${run.requestedBy.type})`;
  return (
    <tr>
      <td>
        <LocalTime iso={run.createdAt} />
      </td>
      <td>{who}</td>
      <td>
        <LocalTime iso={run.period.from} /> – <LocalTime iso={run.period.to} />
      </td>
      <td>{run.status === 'failed' ? `failed: ${run.error ?? ''}` : run.status}</td>
      <td>
        {run.files.map((file) => (
          <div key={file.name}>
            <a
              href={`/api/report-file?${new URLSearchParams({ report: report.id, run: run.id, file: file.name })}`}
              download
            >
              {file.format.toUpperCase()}
            </a>{' '}
            <small>{Math.max(1, Math.round(file.bytes / 1024))} KiB</small>
          </div>
        ))}
      </td>
      <td>{deliveryText(run)}</td>
      <td>{run.downloads.length}</td>
    </tr>
  );
}

export default async function ReportsPage() {
  const t = await getTranslations();
  const [reports, operator, engineer, viewer] = await Promise.all([
    listReports(),
    can('operator'),
    can('engineer'),
    getViewer(),
  ]);
  const [runs, plant] = await Promise.all([
    Promise.all(reports.map((report) => listReportRuns(report.id))),
    engineer ? rulePlant() : null,
  ]);
  const scopeAssets = plant ? await reportScopeAssets(plant.sites) : [];
  const r = await getTranslations('reports');
  return (
    <>
      <h1>{t('nav.links.reports')}</h1>
      <p>{r('intro')}</p>
      {reports.length === 0 ? (
        <p className="empty">{engineer ? r('noReportsEngineer') : r('noReports')}</p>
      ) : (
        reports.map((report, index) => (
          <section key={report.id} aria-labelledby={`report-${report.id}`}>
            <h2 id={`report-${report.id}`}>{report.name}</h2>
            <p>
              {r('summary', {
                schedule: report.enabled ? scheduleInWords(report.schedule, t) : r('scheduleOff'),
                zone: report.timeZone,
                period: periodInWords(report.period, t),
                formats: report.formats.map((f) => f.toUpperCase()).join(', '),
                recipients: report.recipients.join(', '),
              })}
            </p>
            {engineer ? (
              <div className="row">
                <Link href={`/reports/${report.id}`} aria-label={r('editReport', { name: report.name })}>
                  {r('edit')}
                </Link>{' '}
                <ConfigActionButton
                  action={setReportEnabled.bind(null, report.id, report.name, !report.enabled)}
                  text={report.enabled ? r('disable') : r('enable')}
                  label={
                    report.enabled
                      ? r('disableReport', { name: report.name })
                      : r('enableReport', { name: report.name })
                  }
                />{' '}
                <RemoveRow name={report.name} action={deleteReport.bind(null, report.id)} />
              </div>
            ) : null}
            {operator ? <ReportRunButton run={runReportNow.bind(null, report.id)} /> : null}
            {(runs[index] ?? []).length === 0 ? (
              <p className="empty">{r('noRuns')}</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{r('queued')}</th>
                      <th scope="col">{r('by')}</th>
                      <th scope="col">{r('period')}</th>
                      <th scope="col">{r('status')}</th>
                      <th scope="col">{r('files')}</th>
                      <th scope="col">{r('delivery')}</th>
                      <th scope="col">{r('downloads')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(runs[index] ?? []).slice(0, RUNS_SHOWN).map((run) => (
                      <RunRow key={run.id} report={report} run={run} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        ))
      )}
      {plant ? (
        <AddSection id="new-report" title={r('newReport')} engineer={engineer}>
          <ReportForm
            action={createReport}
            label={r('newReport')}
            submitLabel={r('addReport')}
            pendingLabel={t('config.adding')}
            plant={plant}
            assets={scopeAssets}
            defaultZone={viewer.tenant.timeZone}
          />
        </AddSection>
      ) : null}
    </>
  );
}
