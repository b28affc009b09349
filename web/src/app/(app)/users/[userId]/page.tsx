import { idSchema } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getTranslations } from 'next-intl/server';
import { UserLoginAction } from '../../../../components/account/user-login.tsx';
import { UserAreas } from '../../../../components/user-areas.tsx';
import { getLoginProtection } from '../../../../server/account-data.ts';
import { setUserAreas } from '../../../../server/actions.ts';
import { getAssetTree } from '../../../../server/asset-data.ts';
import { listSites, listUsers } from '../../../../server/data.ts';
import { listContacts } from '../../../../server/people-data.ts';
import { can } from '../../../../server/viewer.ts';
import { describeUserAgent } from '../../../../user-agent.ts';
import '../../../accounts.css';

type Props = { params: Promise<{ userId: string }> };

async function findUser(userId: string) {
  if (!idSchema.safeParse(userId).success) notFound();
  const user = (await listUsers()).find((candidate) => candidate.id === userId);
  if (!user) notFound();
  return user;
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  const t = await getTranslations('userSecurity');
  if (!(await can('admin'))) return { title: t('back') };
  const user = await findUser((await props.params).userId);
  return { title: t('title', { name: user.name }) };
}

export default async function UserLoginPage(props: Props) {
  const [t, u] = await Promise.all([getTranslations('userSecurity'), getTranslations('users')]);
  if (!(await can('admin'))) {
    return (
      <>
        <h1>{u('heading')}</h1>
        <p className="notice">{u('needAdmin')}</p>
      </>
    );
  }
  const user = await findUser((await props.params).userId);
  const [protection, format, sites, contacts] = await Promise.all([
    getLoginProtection(user.id),
    getFormatter(),
    listSites(),
    listContacts(),
  ]);
  const siteAssets = await Promise.all(
    sites.map(async (site) => ({ site, assets: (await getAssetTree(site.id)).assets })),
  );
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: 'medium', timeStyle: 'short' });
  const name = user.name || user.email;
  return (
    <>
      <p>
        <Link href="/users">← {t('back')}</Link>
      </p>
      <h1>{t('title', { name })}</h1>
      <p>
        {user.email} ·{' '}
        <span className={protection.mfaEnabled ? 'acct-badge on' : 'acct-badge'}>
          {t('mfaColumn')}: {protection.mfaEnabled ? t('mfaOn') : t('mfaOff')}
        </span>
      </p>

      <UserAreas
        user={user}
        sites={siteAssets}
        contacts={contacts}
        action={setUserAreas.bind(null, user.id, user.siteIds === null)}
      />

      <section className="acct-section" aria-labelledby="protection">
        <h2 id="protection">{t('protectionHeading')}</h2>
        {protection.unknownDevices.lockedOut ? (
          <>
            <p className="notice error-notice" data-locked="true">
              {t('lockedUntil', {
                when: protection.unknownDevices.lockedUntil
                  ? when(protection.unknownDevices.lockedUntil)
                  : format.relativeTime(Date.now() + protection.unknownDevices.retryAfterSeconds * 1000),
              })}
            </p>
            <p>{t('lockedExplain', { name })}</p>
            <UserLoginAction
              userId={user.id}
              kind="lift"
              text={t('lift')}
              confirm={t('liftConfirm', { name })}
            />
          </>
        ) : (
          <p>{t('notLocked')}</p>
        )}
      </section>

      <section className="acct-section" aria-labelledby="devices">
        <h2 id="devices">{t('devicesHeading', { name })}</h2>
        {protection.knownDevices.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('device')}</th>
                  <th scope="col">{t('address')}</th>
                  <th scope="col">{t('firstSeen')}</th>
                  <th scope="col">{t('lastUsed')}</th>
                </tr>
              </thead>
              <tbody>
                {protection.knownDevices.map((device) => (
                  <tr key={device.id}>
                    <th scope="row" title={device.userAgent ?? undefined}>
                      {describeUserAgent(device.userAgent) ?? '—'}
                    </th>
                    <td>{device.ipAddress ?? '—'}</td>
                    <td>{when(device.firstSeenAt)}</td>
                    <td>{when(device.lastUsedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="empty">{t('noDevices')}</p>
        )}
      </section>

      <section className="acct-section" aria-labelledby="everywhere">
        <h2 id="everywhere">{t('sessionsHeading')}</h2>
        <p>{t('sessionsIntro', { name })}</p>
        <UserLoginAction
          userId={user.id}
          kind="sign-out"
          text={t('signOutEverywhere', { name })}
          confirm={t('signOutConfirm', { name })}
        />
      </section>
    </>
  );
}
