// A new asset at a site (issue 21): from a model (its measurements bound by the model's tag patterns
// or by hand, its default alarm rules made), or by hand (name, level and attributes; measurements are
// bound on its edit page, where the new asset opens).
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { assetPaths } from '../../../../../../asset-form.ts';
import { AttributeFields, FromModelForm, ParentSelect } from '../../../../../../components/asset-forms.tsx';
import { ActionForm } from '../../../../../../components/forms.tsx';
import { createAsset, createAssetFromModel } from '../../../../../../server/asset-actions.ts';
import { bindableTags, listAssetModels, listSiteAssets } from '../../../../../../server/asset-data.ts';
import { getSite } from '../../../../../../server/data.ts';

type Props = { params: Promise<{ siteId: string }>; searchParams: Promise<{ parentId?: string }> };

export async function generateMetadata(props: Props): Promise<Metadata> {
  const t = await getTranslations();
  const site = await getSite((await props.params).siteId);
  return { title: t('assetEdit.newTitle', { site: site.name }) };
}

export default async function NewAssetPage(props: Props) {
  const t = await getTranslations();
  const { siteId } = await props.params;
  const { parentId } = await props.searchParams;
  // The site first: another tenant's site is a 404 before anything else is asked.
  const site = await getSite(siteId);
  const [siteAssets, models, groups] = await Promise.all([
    listSiteAssets(site.id),
    listAssetModels(),
    bindableTags(site.id),
  ]);
  const parents = assetPaths(siteAssets);
  const parent = parents.some((choice) => choice.id === parentId) ? (parentId ?? '') : '';
  return (
    <>
      <h1>{t('assetEdit.newTitle', { site: site.name })}</h1>
      <p>
        <Link href={`/sites/${site.id}`}>{site.name}</Link>
        {' · '}
        <Link href="/assets/models">{t('assetEdit.modelsLink')}</Link>
      </p>
      <section aria-labelledby="new-asset-model">
        <h2 id="new-asset-model">{t('assetEdit.fromModel')}</h2>
        {models.length === 0 ? (
          <p className="muted">{t('assetEdit.noModels')}</p>
        ) : (
          <FromModelForm
            action={createAssetFromModel.bind(null, site.id)}
            models={models}
            parents={parents}
            parentId={parent}
            groups={groups}
          />
        )}
      </section>
      <section aria-labelledby="new-asset-hand">
        <h2 id="new-asset-hand">{t('assetEdit.byHand')}</h2>
        <ActionForm
          action={createAsset.bind(null, site.id)}
          label={t('assetEdit.byHand')}
          submitLabel={t('assetEdit.create')}
          pendingLabel={t('config.adding')}
        >
          <ParentSelect choices={parents} defaultValue={parent} />
          <AttributeFields />
        </ActionForm>
      </section>
    </>
  );
}
