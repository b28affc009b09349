import type { Metadata } from 'next';
import Link from 'next/link';
import { ReportForm } from '../../../../components/report-form.tsx';
import { reportFormDefaults, scheduleInWords } from '../../../../report-form.ts';
import { rulePlant } from '../../../../server/alarm-rules-data.ts';
import { updateReport } from '../../../../server/report-definition-actions.ts';
import { getReport } from '../../../../server/reports-data.ts';
import { can, getViewer } from '../../../../server/viewer.ts';
import { strings } from '../../../../strings.ts';

export const metadata: Metadata = { title: strings.reports.editTitle };

export default async function EditReportPage(props: { params: Promise<{ reportId: string }> }) {
  const { reportId } = await props.params;
  const [report, engineer, viewer] = await Promise.all([getReport(reportId), can('engineer'), getViewer()]);
  const plant = engineer ? await rulePlant() : null;
  const r = strings.reports;
  return (
    <>
      <h1>{r.editReport(report.name)}</h1>
      <p>
        <Link href="/reports">{r.backToList}</Link>
      </p>
      <p>{r.scheduleNow(scheduleInWords(report.schedule), report.timeZone, report.enabled)}</p>
      {plant ? (
        <ReportForm
          version={report.updatedAt}
          action={updateReport.bind(null, report.id)}
          label={r.editReport(report.name)}
          submitLabel={strings.save}
          pendingLabel={strings.config.saving}
          plant={plant}
          defaultZone={viewer.tenant.timeZone}
          initial={reportFormDefaults(report)}
        />
      ) : (
        <p className="notice">{strings.config.readOnly}</p>
      )}
    </>
  );
}
