import { roleAtLeast } from '@plantwatch/shared';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { LogOutButton } from '../../components/auth-forms.tsx';
import { getViewer } from '../../server/viewer.ts';
import { strings } from '../../strings.ts';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  const admin = roleAtLeast(viewer.role, 'admin');
  return (
    <>
      <header className="top">
        <Link href="/fleet" className="brand">
          {strings.product}
        </Link>
        <nav aria-label={strings.nav.label}>
          <ul>
            <li>
              <Link href="/">{strings.nav.home}</Link>
            </li>
            <li>
              <Link href="/fleet">{strings.nav.fleet}</Link>
            </li>
            <li>
              <Link href="/alarms">{strings.nav.alarms}</Link>
            </li>
            <li>
              <Link href="/reports">{strings.nav.reports}</Link>
            </li>
            {roleAtLeast(viewer.role, 'operator') ? (
              <li>
                <Link href="/outbox">{strings.outbox.title}</Link>
              </li>
            ) : null}
            <li>
              <Link href="/config/sites">{strings.nav.sites}</Link>
            </li>
            <li>
              <Link href="/config/gateways">{strings.nav.gateways}</Link>
            </li>
            <li>
              <Link href="/config/devices">{strings.nav.devices}</Link>
            </li>
            <li>
              <Link href="/config/tags">{strings.nav.tags}</Link>
            </li>
            <li>
              <Link href="/config/alarm-rules">{strings.alarmRules.title}</Link>
            </li>
            <li>
              <Link href="/config/contacts">{strings.people.contactsTitle}</Link>
            </li>
            <li>
              <Link href="/config/rotations">{strings.people.rotationsTitle}</Link>
            </li>
            <li>
              <Link href="/config/policies">{strings.people.policiesTitle}</Link>
            </li>
            {admin ? (
              <>
                <li>
                  <Link href="/users">{strings.nav.users}</Link>
                </li>
                <li>
                  <Link href="/api-keys">{strings.nav.apiKeys}</Link>
                </li>
                <li>
                  <Link href="/settings/notifications">{strings.nav.notificationSettings}</Link>
                </li>
                <li>
                  <Link href="/settings/organisation">{strings.nav.organisation}</Link>
                </li>
              </>
            ) : null}
          </ul>
        </nav>
        <div className="who">
          <span>{strings.nav.signedInAs(viewer.name || viewer.email, viewer.role, viewer.tenant.name)}</span>
          <LogOutButton />
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
