'use server';
// Carrying an asset model's change to its assets from the web (issue 21, ADR 0043): the preview the
// page reads, and the apply an engineer sends with the choices the preview was made with. The API
// refuses (409) while a conflict is unresolved or when the model changed since the preview; its
// words are shown as they are.
import 'server-only';
import { idSchema, type ModelPropagation, modelPropagationSchema } from '@plantwatch/shared';
import { revalidatePath } from 'next/cache';
import { getTranslations } from 'next-intl/server';
import type { FormState } from '../form-state.ts';
import { resolutionsOf } from '../propagation-form.ts';
import { callApi } from './api.ts';
import { failedChange } from './form-results.ts';
import { viewerWithRole } from './viewer.ts';

const path = (assetModelId: string, step: 'preview' | 'apply') =>
  `/v1/asset-models/${encodeURIComponent(assetModelId)}/propagation/${step}`;

/** What carrying the model would change, with the given choices; an engineer's read, so a POST. */
export async function previewPropagation(
  assetModelId: string,
  choices: readonly string[],
): Promise<ModelPropagation> {
  const viewer = await viewerWithRole('engineer');
  const answer = await callApi('POST', path(assetModelId, 'preview'), {
    token: viewer.token,
    body: { resolutions: resolutionsOf(choices) },
  });
  return modelPropagationSchema.parse(answer);
}

export async function applyPropagation(
  assetModelId: string,
  _previous: FormState,
  form: FormData,
): Promise<FormState> {
  const t = await getTranslations();
  if (!idSchema.safeParse(assetModelId).success) return { status: 'error', message: t('errors.generic') };
  try {
    const viewer = await viewerWithRole('engineer');
    const choices = form.getAll('r').filter((value): value is string => typeof value === 'string');
    const modelUpdatedAt = form.get('modelUpdatedAt');
    const answer = modelPropagationSchema.parse(
      await callApi('POST', path(assetModelId, 'apply'), {
        token: viewer.token,
        body: {
          resolutions: resolutionsOf(choices),
          ...(typeof modelUpdatedAt === 'string' && modelUpdatedAt !== '' ? { modelUpdatedAt } : {}),
        },
      }),
    );
    revalidatePath('/', 'layout');
    return { status: 'ok', message: t('propagation.applied', { changes: answer.changes }) };
  } catch (error) {
    return failedChange(error, () => ({}), 'a model propagation');
  }
}
