import { roleAtLeast } from '@plantwatch/shared';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { LogOutButton } from '../../components/auth-forms.tsx';
import { getViewer } from '../../server/viewer.ts';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const t = await getTranslations();
  const viewer = await getViewer();
  const admin = roleAtLeast(viewer.role, 'admin');
  return (
    <>
      <header className="top">
        <Link href="/fleet" className="brand">
          {t('common.product')}
        </Link>
        <nav aria-label={t('nav.label')}>
          <ul>
            <li>
              <Link href="/">{t('nav.home')}</Link>
            </li>
            <li>
              <Link href="/fleet">{t('nav.fleet')}</Link>
            </li>
            <li>
              <Link href="/alarms">{t('nav.alarms')}</Link>
            </li>
            <li>
              <Link href="/reports">{t('nav.reports')}</Link>
            </li>
            {roleAtLeast(viewer.role, 'operator') ? (
              <li>
                <Link href="/outbox">{t('outbox.title')}</Link>
              </li>
            ) : null}
            <li>
              <Link href="/config/sites">{t('nav.sites')}</Link>
            </li>
            <li>
              <Link href="/config/gateways">{t('nav.gateways')}</Link>
            </li>
            <li>
              <Link href="/config/devices">{t('nav.devices')}</Link>
            </li>
            <li>
              <Link href="/config/tags">{t('nav.tags')}</Link>
            </li>
            <li>
              <Link href="/config/alarm-rules">{t('alarmRules.title')}</Link>
            </li>
            <li>
              <Link href="/config/contacts">{t('people.contactsTitle')}</Link>
            </li>
            <li>
              <Link href="/config/rotations">{t('people.rotationsTitle')}</Link>
            </li>
            <li>
              <Link href="/config/policies">{t('people.policiesTitle')}</Link>
            </li>
            {admin ? (
              <>
                <li>
                  <Link href="/users">{t('nav.users')}</Link>
                </li>
                <li>
                  <Link href="/api-keys">{t('nav.apiKeys')}</Link>
                </li>
                <li>
                  <Link href="/settings/notifications">{t('nav.notificationSettings')}</Link>
                </li>
                <li>
                  <Link href="/settings/organisation">{t('nav.organisation')}</Link>
                </li>
              </>
            ) : null}
          </ul>
        </nav>
        <div className="who">
          <span>
            {t('nav.signedInAs', {
              name: viewer.name || viewer.email,
              role: viewer.role,
              tenant: viewer.tenant.name,
            })}
          </span>
          <LogOutButton />
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
