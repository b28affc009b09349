import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { LocalTime } from '../../../../components/local-time.tsx';
import { NotificationSettingsForm } from '../../../../components/notification-settings-form.tsx';
import { saveNotificationSettings } from '../../../../server/notification-settings-actions.ts';
import { getNotificationSettings, twilioWebhookUrls } from '../../../../server/notification-settings-data.ts';
import { can, getViewer } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('notificationSettings.title') };
}

export default async function NotificationSettingsPage() {
  const n = await getTranslations('notificationSettings');
  if (!(await can('admin'))) {
    return (
      <>
        <h1>{n('heading')}</h1>
        <p className="notice">{n('needAdmin')}</p>
      </>
    );
  }
  const [settings, viewer] = await Promise.all([getNotificationSettings(), getViewer()]);
  const urls = twilioWebhookUrls(viewer.tenant.id);
  return (
    <>
      <h1>{n('heading')}</h1>
      <p>{n('intro')}</p>
      <p>
        {settings.updatedAt ? (
          <>
            {n('lastSaved')} <LocalTime iso={settings.updatedAt} />
          </>
        ) : (
          n('neverSaved')
        )}
      </p>
      <NotificationSettingsForm settings={settings} action={saveNotificationSettings} />
      <section aria-labelledby="twilio-webhooks">
        <h2 id="twilio-webhooks">{n('webhooksHeading')}</h2>
        <p>{n('webhooksIntro')}</p>
        <dl className="webhook-urls">
          {(
            [
              [n('smsWebhook'), urls.sms],
              [n('statusWebhook'), urls.status],
              [n('voiceWebhook'), urls.voice],
            ] as const
          ).map(([label, url]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>
                <code>{url}</code>
              </dd>
            </div>
          ))}
        </dl>
        <p className="hint">{n('publicUrlNote', { url: urls.base })}</p>
      </section>
    </>
  );
}
