// The asset models (issue 21): each type of equipment with its measurements and default alarm rules,
// and a form for a new one.
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ModelMeasurementRows, ModelRulesField } from '../../../../components/asset-forms.tsx';
import { ActionForm, Field } from '../../../../components/forms.tsx';
import { createAssetModel } from '../../../../server/asset-actions.ts';
import { listAssetModels } from '../../../../server/asset-data.ts';
import { can } from '../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations();
  return { title: t('assetEdit.modelsTitle') };
}

export default async function AssetModelsPage() {
  const t = await getTranslations();
  const [models, engineer] = await Promise.all([listAssetModels(), can('engineer')]);
  return (
    <>
      <h1>{t('assetEdit.modelsTitle')}</h1>
      <p className="hint">{t('assetEdit.modelsIntro')}</p>
      {models.length === 0 ? (
        <p className="muted">{t('assetEdit.noModels')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('assetEdit.name')}</th>
                <th scope="col">{t('assets.level')}</th>
                <th scope="col">{t('assets.measurements')}</th>
                <th scope="col">{t('assetEdit.rules')}</th>
              </tr>
            </thead>
            <tbody>
              {models.map((model) => (
                <tr key={model.id}>
                  <td>
                    <Link href={`/assets/models/${model.id}`}>{model.name}</Link>
                    {model.description ? <div className="muted">{model.description}</div> : null}
                  </td>
                  <td>{model.level}</td>
                  <td>{model.measurements.map((m) => m.name).join(', ') || t('assets.none')}</td>
                  <td>{model.alarmRules.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {engineer ? (
        <section aria-labelledby="new-model">
          <h2 id="new-model">{t('assetEdit.newModel')}</h2>
          <ActionForm
            action={createAssetModel}
            label={t('assetEdit.newModel')}
            submitLabel={t('assetEdit.create')}
            pendingLabel={t('config.adding')}
          >
            <Field name="name" label={t('assetEdit.name')} required />
            <Field name="description" label={t('assetEdit.description')} />
            <Field name="level" label={t('assets.level')} defaultValue="equipment" />
            <ModelMeasurementRows measurements={[]} />
            <ModelRulesField rules={[]} />
          </ActionForm>
        </section>
      ) : null}
    </>
  );
}
