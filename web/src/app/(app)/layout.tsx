import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';
import { AlarmBar } from '../../components/shell/alarm-bar.tsx';
import { AppNav } from '../../components/shell/app-nav.tsx';
import { navGroups } from '../../components/shell/nav-groups.ts';
import { UserMenu } from '../../components/shell/user-menu.tsx';
import { webEnv } from '../../env.ts';
import { getPreferences } from '../../i18n/preferences.ts';
import { getViewer } from '../../server/viewer.ts';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const [viewer, { theme, alarmSound }, t] = await Promise.all([
    getViewer(),
    getPreferences(),
    getTranslations(),
  ]);
  return (
    <>
      <div className="shell">
        <AlarmBar alarmSound={alarmSound} fallbackPollMs={webEnv().LIVE_FALLBACK_POLL_MS} />
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
