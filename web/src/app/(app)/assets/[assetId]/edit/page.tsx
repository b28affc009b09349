// Editing an asset (issue 21): its name, level and attributes with documents, its measurements and
// the tag or derived tag each reads, where it sits (moved with everything under it), and deleting it
// with everything under it (the API's 409 names the alarm rules that stop it).
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { assetPaths, subtreeIds } from '../../../../../asset-form.ts';
import { AttributeFields, MeasurementsForm, ParentSelect } from '../../../../../components/asset-forms.tsx';
import { ActionForm, RemoveButton } from '../../../../../components/forms.tsx';
import {
  deleteAsset,
  moveAsset,
  updateAssetAttributes,
  updateAssetMeasurements,
} from '../../../../../server/asset-actions.ts';
import { bindableTags, getAsset, listSiteAssets } from '../../../../../server/asset-data.ts';
import { getSite } from '../../../../../server/data.ts';
import { can } from '../../../../../server/viewer.ts';

type Props = { params: Promise<{ assetId: string }> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const t = await getTranslations();
  const asset = await getAsset((await props.params).assetId);
  return { title: t('assetEdit.editTitle', { name: asset.name }) };
}

export default async function EditAssetPage(props: Props) {
  const t = await getTranslations();
  const { assetId } = await props.params;
  // The asset first: another tenant's id is a 404 before anything else is asked.
  const asset = await getAsset(assetId);
  const [site, siteAssets, groups, engineer] = await Promise.all([
    getSite(asset.siteId),
    listSiteAssets(asset.siteId),
    bindableTags(asset.siteId),
    can('engineer'),
  ]);
  const under = subtreeIds(siteAssets, asset.id);
  const parents = assetPaths(siteAssets).filter((choice) => !under.has(choice.id));
  const path = assetPaths(siteAssets).find((choice) => choice.id === asset.id)?.path ?? asset.name;
  return (
    <>
      <h1>{t('assetEdit.editTitle', { name: asset.name })}</h1>
      <p>
        <Link href={`/assets/${asset.id}`}>{t('assetEdit.backToAsset', { name: asset.name })}</Link>
        {' · '}
        <Link href={`/sites/${site.id}`}>{site.name}</Link>
        <span className="muted"> · {path}</span>
      </p>
      {engineer ? null : <p className="muted">{t('assetEdit.engineersOnly')}</p>}
      <section aria-labelledby="asset-edit-attributes">
        <h2 id="asset-edit-attributes">{t('assets.attributes')}</h2>
        <ActionForm
          action={updateAssetAttributes.bind(null, asset.id)}
          label={t('assets.attributes')}
          submitLabel={t('common.save')}
          pendingLabel={t('config.saving')}
        >
          <div key={asset.updatedAt} className="form">
            <AttributeFields asset={asset} />
          </div>
        </ActionForm>
      </section>
      <section aria-labelledby="asset-edit-measurements">
        <h2 id="asset-edit-measurements">{t('assets.measurements')}</h2>
        <MeasurementsForm
          version={asset.updatedAt}
          action={updateAssetMeasurements.bind(null, asset.id)}
          measurements={asset.measurements}
          groups={groups}
        />
      </section>
      <section aria-labelledby="asset-edit-move">
        <h2 id="asset-edit-move">{t('assetEdit.moveHeading')}</h2>
        <ActionForm
          action={moveAsset.bind(null, asset.id)}
          label={t('assetEdit.moveHeading')}
          submitLabel={t('assetEdit.move')}
          pendingLabel={t('config.saving')}
        >
          <div key={asset.updatedAt} className="form">
            <p className="hint">{t('assetEdit.moveHint')}</p>
            <ParentSelect
              choices={parents}
              defaultValue={asset.parentId ?? ''}
              label={t('assetEdit.newParent')}
            />
          </div>
        </ActionForm>
      </section>
      <section aria-labelledby="asset-edit-delete">
        <h2 id="asset-edit-delete">{t('assetEdit.deleteHeading')}</h2>
        <p className="hint">{t('assetEdit.deleteHint', { n: under.size - 1 })}</p>
        <RemoveButton
          action={deleteAsset.bind(null, asset.id, site.id)}
          confirmText={t('assetEdit.deleteConfirm', { name: asset.name, n: under.size - 1 })}
          label={t('assetEdit.deleteLabel', { name: asset.name })}
          text={t('assetEdit.delete')}
        />
      </section>
    </>
  );
}
