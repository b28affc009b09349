// Scheduled reports (issue #7): each definition the viewer may see, with its latest runs, their
// files (downloaded through the API's signed links) and how delivery went; operators can run one now.
import type { ReportRun, ReportSchedule } from '@plantwatch/shared';
import type { Metadata } from 'next';
import { LocalTime } from '../../../components/local-time.tsx';
import { ReportRunButton } from '../../../components/report-run-button.tsx';
import { runReportNow } from '../../../server/report-actions.ts';
import { listReportRuns, listReports } from '../../../server/reports-data.ts';
import { can } from '../../../server/viewer.ts';
import { strings } from '../../../strings.ts';

export const metadata: Metadata = { title: strings.nav.reports };

const RUNS_SHOWN = 5;

function scheduleText(report: ReportSchedule): string {
  const s = report.schedule;
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  switch (s.kind) {
    case 'hourly':
      return `hourly at :${String(s.minute).padStart(2, '0')}`;
    case 'daily':
      return `daily at ${s.at}`;
    case 'weekly':
      return `${days[s.dayOfWeek] ?? ''}s at ${s.at}`;
    case 'monthly':
      return `monthly on day ${s.dayOfMonth} at ${s.at}`;
    case 'cron':
      return `cron ${s.expression}`;
  }
}

const periodText = (report: ReportSchedule) =>
  typeof report.period === 'string' ? report.period.replace('-', ' ') : 'custom period';

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
  const [reports, operator] = await Promise.all([listReports(), can('operator')]);
  const runs = await Promise.all(reports.map((report) => listReportRuns(report.id)));
  return (
    <>
      <h1>{strings.nav.reports}</h1>
      <p>
        Scheduled PDF, Excel and CSV reports, e-mailed to their recipients. Define them through the API (
        <code>POST /v1/reports</code>); schedules follow each report&apos;s time zone; the times below are in
        yours.
      </p>
      {reports.length === 0 ? (
        <p className="empty">No reports yet.</p>
      ) : (
        reports.map((report, index) => (
          <section key={report.id} aria-labelledby={`report-${report.id}`}>
            <h2 id={`report-${report.id}`}>{report.name}</h2>
            <p>
              {report.enabled ? scheduleText(report) : 'schedule off'} ({report.timeZone}),{' '}
              {periodText(report)}, {report.formats.map((f) => f.toUpperCase()).join(', ')} to{' '}
              {report.recipients.join(', ')}
            </p>
            {operator ? <ReportRunButton run={runReportNow.bind(null, report.id)} /> : null}
            {(runs[index] ?? []).length === 0 ? (
              <p className="empty">No runs yet.</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Queued</th>
                      <th scope="col">By</th>
                      <th scope="col">Period</th>
                      <th scope="col">Status</th>
                      <th scope="col">Files</th>
                      <th scope="col">Delivery</th>
                      <th scope="col">Downloads</th>
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
    </>
  );
}
