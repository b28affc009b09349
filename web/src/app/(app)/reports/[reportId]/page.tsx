import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ReportForm } from '../../../../components/report-form.tsx';
import { reportFormDefaults, scheduleInWords } from '../../../../report-form.ts';
import { rulePlant } from '../../../../server/alarm-rules-data.ts';
import { updateReport } from '../../../../server/report-definition-actions.ts';
import { getReport, reportScopeAssets } from '../../../../server/reports-data.ts';
import { can, getViewer } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('reports.editTitle') };
}

export default async function EditReportPage(props: { params: Promise<{ reportId: string }> }) {
  const t = await getTranslations();
  const { reportId } = await props.params;
  const [report, engineer, viewer] = await Promise.all([getReport(reportId), can('engineer'), getViewer()]);
  const plant = engineer ? await rulePlant() : null;
  const scopeAssets = plant ? await reportScopeAssets(plant.sites) : [];
  const r = await getTranslations('reports');
  return (
    <>
      <h1>{r('editReport', { name: report.name })}</h1>
      <p>
        <Link href="/reports">{r('backToList')}</Link>
      </p>
      <p>
        {r('scheduleNow', {
          words: scheduleInWords(report.schedule, t),
          zone: report.timeZone,
          on: String(report.enabled),
        })}
      </p>
      {plant ? (
        <ReportForm
          version={report.updatedAt}
          action={updateReport.bind(null, report.id)}
          label={r('editReport', { name: report.name })}
          submitLabel={t('common.save')}
          pendingLabel={t('config.saving')}
          plant={plant}
          assets={scopeAssets}
          defaultZone={viewer.tenant.timeZone}
          initial={reportFormDefaults(report)}
        />
      ) : (
        <p className="notice">{t('config.readOnly')}</p>
      )}
    </>
  );
}
