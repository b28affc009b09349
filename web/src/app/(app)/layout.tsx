import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { AlarmBar } from '../../components/shell/alarm-bar.tsx';
import { AppNav } from '../../components/shell/app-nav.tsx';
import { navGroups } from '../../components/shell/nav-groups.ts';
import { UserMenu } from '../../components/shell/user-menu.tsx';
import { getPreferences } from '../../i18n/preferences.ts';
import { getViewer } from '../../server/viewer.ts';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const [viewer, { theme }, t] = await Promise.all([getViewer(), getPreferences(), getTranslations()]);
  return (
    <>
      <div className="shell">
        <AlarmBar userId={viewer.userId} />
        <header className="top">
          <Link href="/fleet" className="brand">
            {t('common.product')}
          </Link>
          <AppNav groups={navGroups(viewer.role)} />
          <UserMenu
            name={viewer.name || viewer.email}
            role={t(`roles.${viewer.role}`)}
            tenant={viewer.tenant.name}
            theme={theme}
          />
        </header>
      </div>
      <main id="main">{children}</main>
    </>
  );
}
