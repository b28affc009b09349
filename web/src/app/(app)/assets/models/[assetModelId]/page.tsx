// One asset model (issue 21): its name, level, measurements with tag patterns and default alarm rules,
// changed by an engineer (assets already made from it keep theirs), or deleted (its assets stay).
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ModelMeasurementRows, ModelRulesField } from '../../../../../components/asset-forms.tsx';
import { ActionForm, Field, RemoveButton } from '../../../../../components/forms.tsx';
import { deleteAssetModel, updateAssetModel } from '../../../../../server/asset-actions.ts';
import { getAssetModel } from '../../../../../server/asset-data.ts';
import { can } from '../../../../../server/viewer.ts';

type Props = { params: Promise<{ assetModelId: string }> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const t = await getTranslations();
  const model = await getAssetModel((await props.params).assetModelId);
  return { title: t('assetEdit.modelTitle', { name: model.name }) };
}

export default async function AssetModelPage(props: Props) {
  const t = await getTranslations();
  const { assetModelId } = await props.params;
  const [model, engineer] = await Promise.all([getAssetModel(assetModelId), can('engineer')]);
  return (
    <>
      <h1>{t('assetEdit.modelTitle', { name: model.name })}</h1>
      <p>
        <Link href="/assets/models">{t('assetEdit.modelsTitle')}</Link>
      </p>
      <p className="hint">{t('assetEdit.modelChangeHint')}</p>
      {engineer ? (
        <p>
          <Link href={`/assets/models/${model.id}/propagate`}>{t('propagation.link')}</Link>
        </p>
      ) : null}
      {engineer ? (
        <>
          <ActionForm
            action={updateAssetModel.bind(null, model.id)}
            label={t('assetEdit.modelTitle', { name: model.name })}
            submitLabel={t('common.save')}
            pendingLabel={t('config.saving')}
          >
            {/* keyed by the last change, so the fields show the saved model after Save */}
            <div key={model.updatedAt} className="form">
              <Field name="name" label={t('assetEdit.name')} required defaultValue={model.name} />
              <Field name="description" label={t('assetEdit.description')} defaultValue={model.description} />
              <Field name="level" label={t('assets.level')} defaultValue={model.level} />
              <ModelMeasurementRows measurements={model.measurements} />
              <ModelRulesField rules={model.alarmRules} />
            </div>
          </ActionForm>
          <section aria-labelledby="model-delete">
            <h2 id="model-delete">{t('assetEdit.deleteModelHeading')}</h2>
            <p className="hint">{t('assetEdit.deleteModelHint')}</p>
            <RemoveButton
              action={deleteAssetModel.bind(null, model.id)}
              confirmText={t('assetEdit.deleteModelConfirm', { name: model.name })}
              label={t('assetEdit.deleteLabel', { name: model.name })}
              text={t('assetEdit.delete')}
            />
          </section>
        </>
      ) : (
        <pre className="code">{JSON.stringify(model, null, 2)}</pre>
      )}
    </>
  );
}
