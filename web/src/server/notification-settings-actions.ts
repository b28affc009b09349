'use server';
// Saving the notification settings: admins only (the API checks again). The shared schema checks
// the body first; issues from it or from the API land beside their field. Secrets are never echoed.
import 'server-only';
import { notificationSettingsSchema, updateNotificationSettingsSchema } from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { FormState } from '../form-state.ts';
import { callApi } from './api.ts';
import { failedChange, refusedByForm } from './form-results.ts';
import { notificationSettingsBody, notificationSettingsErrors } from './notification-settings-form.ts';
import { viewerWithRole } from './viewer.ts';

export async function saveNotificationSettings(_previous: FormState, form: FormData): Promise<FormState> {
  const t = await getTranslations();
  const body = notificationSettingsBody(form);
  const refused = await refusedByForm(body, {}, updateNotificationSettingsSchema, notificationSettingsErrors);
  if (refused) return refused;
  try {
    const viewer = await viewerWithRole('admin');
    notificationSettingsSchema.parse(
      await callApi('PUT', '/v1/settings/notifications', { token: viewer.token, body }),
    );
    revalidatePath('/settings/notifications');
    return { status: 'ok', message: t('notificationSettings.saved') };
  } catch (error) {
    return failedChange(error, notificationSettingsErrors, 'a notification settings change');
  }
}
