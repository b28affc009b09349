import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { ChangePasswordForm } from '../../../../components/account/password-form.tsx';
import { SessionsTable } from '../../../../components/account/sessions.tsx';
import { TwoStepLogin } from '../../../../components/account/two-step.tsx';
import { getMfaStatus, listMySessions } from '../../../../server/account-data.ts';
import { getViewer } from '../../../../server/viewer.ts';
import '../../../accounts.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('account');
  return { title: t('title') };
}

export default async function AccountPage() {
  const [t, roles, viewer, mfa, sessions] = await Promise.all([
    getTranslations('account'),
    getTranslations('roles'),
    getViewer(),
    getMfaStatus(),
    listMySessions(),
  ]);
  return (
    <>
      <h1>{t('heading')}</h1>
      <p>{t('who', { name: viewer.name || viewer.email, email: viewer.email, role: roles(viewer.role) })}</p>
      <section className="acct-section" aria-labelledby="password">
        <h2 id="password">{t('passwordHeading')}</h2>
        <p className="muted">{t('passwordIntro')}</p>
        <ChangePasswordForm />
      </section>
      <section className="acct-section" aria-labelledby="two-step">
        <h2 id="two-step">{t('mfaHeading')}</h2>
        <p className="muted">{t('mfaIntro')}</p>
        <TwoStepLogin status={mfa} />
      </section>
      <section className="acct-section" aria-labelledby="sessions">
        <h2 id="sessions">{t('sessionsHeading')}</h2>
        <p className="muted">{t('sessionsIntro')}</p>
        <SessionsTable sessions={sessions} />
      </section>
    </>
  );
}
