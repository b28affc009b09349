// Carrying an asset model's change to every asset made from it (issue 21, ADR 0043): the API's
// preview per asset (measurements and alarm rules to add, change or remove), a choice for each
// conflict (a bound measurement the model dropped), "Preview these choices" (a GET of this page with
// them) and "Apply", which sends the choices the preview on screen was made with.
import type { AssetPropagation } from '@plantwatch/shared';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ActionForm } from '../../../../../../components/forms.tsx';
import { resolutionValue } from '../../../../../../propagation-form.ts';
import { getAssetModel } from '../../../../../../server/asset-data.ts';
import { applyPropagation, previewPropagation } from '../../../../../../server/propagation-actions.ts';
import { can } from '../../../../../../server/viewer.ts';

type Props = {
  params: Promise<{ assetModelId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata(props: Props): Promise<Metadata> {
  const t = await getTranslations();
  const model = await getAssetModel((await props.params).assetModelId);
  return { title: t('propagation.title', { name: model.name }) };
}

type Labels = Record<
  'add' | 'remove' | 'rename' | 'units' | 'kept' | 'create' | 'update' | 'delete' | 'skipped' | 'none',
  string
>;

function Changes({ asset, labels }: { asset: AssetPropagation; labels: Labels }) {
  const m = asset.measurements;
  const r = asset.rules;
  const lists: [string, string[]][] = [
    [labels.add, m.add.map((a) => (a.unit ? `${a.name} (${a.unit})` : a.name))],
    [labels.remove, m.remove.map((a) => a.name)],
    [labels.rename, m.rename.map((a) => `${a.from} → ${a.to}`)],
    [labels.units, m.unit.map((a) => `${a.name}: ${a.from || '—'} → ${a.to || '—'}`)],
    [labels.kept, m.keep],
    [labels.create, r.create.map((a) => a.name)],
    [labels.update, r.update.map((a) => `${a.name} (${a.fields.join(', ')})`)],
    [labels.delete, r.delete.map((a) => a.name)],
    [labels.skipped, r.skipped.map((a) => `${a.name}: ${a.reason}`)],
  ];
  const shown = lists.filter(([, items]) => items.length > 0);
  if (shown.length === 0) return <p className="hint">{labels.none}</p>;
  return (
    <dl className="propagation-changes">
      {shown.map(([label, items]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>
            <ul>
              {items.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export default async function PropagatePage(props: Props) {
  const t = await getTranslations();
  const { assetModelId } = await props.params;
  const search = await props.searchParams;
  const chosen = [search.r ?? []].flat().filter((value) => value !== '');
  const [model, engineer] = await Promise.all([getAssetModel(assetModelId), can('engineer')]);
  const back = (
    <p>
      <Link href={`/assets/models/${model.id}`}>{t('assetEdit.modelTitle', { name: model.name })}</Link>
    </p>
  );
  if (!engineer)
    return (
      <>
        <h1>{t('propagation.title', { name: model.name })}</h1>
        {back}
        <p className="hint">{t('propagation.engineersOnly')}</p>
      </>
    );
  const preview = await previewPropagation(model.id, chosen);
  const chosenSet = new Set(chosen);
  /** The choices a select offers on this preview (filled while rendering the conflicts). */
  const rendered = new Set<string>();
  const labels: Labels = {
    add: t('propagation.measurementsAdd'),
    remove: t('propagation.measurementsRemove'),
    rename: t('propagation.measurementsRename'),
    units: t('propagation.units'),
    kept: t('propagation.kept'),
    create: t('propagation.rulesCreate'),
    update: t('propagation.rulesUpdate'),
    delete: t('propagation.rulesDelete'),
    skipped: t('propagation.rulesSkipped'),
    none: t('propagation.noChanges'),
  };
  return (
    <>
      <h1>{t('propagation.title', { name: model.name })}</h1>
      {back}
      <p className="hint">{t('propagation.intro')}</p>
      <p>
        {t('propagation.summary', {
          assets: preview.assets.length,
          changes: preview.changes,
          conflicts: preview.conflicts,
        })}
      </p>
      {preview.assets.length === 0 ? <p className="hint">{t('propagation.noAssets')}</p> : null}
      <form method="get" className="form" aria-label={t('propagation.choicesLabel')}>
        {preview.assets.map((asset) => (
          <section key={asset.assetId} className="card" aria-labelledby={`p-${asset.assetId}`}>
            <h2 id={`p-${asset.assetId}`}>
              <Link href={`/assets/${asset.assetId}`}>{asset.path}</Link>
            </h2>
            <Changes asset={asset} labels={labels} />
            {asset.conflicts.length > 0 ? (
              <fieldset className="propagation-conflicts">
                <legend>{t('propagation.conflicts')}</legend>
                {asset.conflicts.map((conflict) => {
                  const id = `c-${asset.assetId}-${conflict.measurement}`.replace(/[^A-Za-z0-9-]/g, '_');
                  const options = [
                    { action: 'remove' as const, label: t('propagation.remove') },
                    { action: 'keep' as const, label: t('propagation.keep') },
                    ...asset.measurements.add.map((added) => ({
                      action: 'renameTo' as const,
                      to: added.name,
                      label: t('propagation.renameTo', { to: added.name }),
                    })),
                  ].map((option) => ({
                    ...option,
                    value: resolutionValue(
                      option.action === 'renameTo'
                        ? {
                            assetId: asset.assetId,
                            measurement: conflict.measurement,
                            action: 'renameTo',
                            to: option.to,
                          }
                        : {
                            assetId: asset.assetId,
                            measurement: conflict.measurement,
                            action: option.action,
                          },
                    ),
                  }));
                  for (const option of options) rendered.add(option.value);
                  const selected = options.find((option) => chosenSet.has(option.value))?.value ?? '';
                  return (
                    <div key={conflict.measurement} className="field">
                      <label htmlFor={id}>
                        {t('propagation.resolution', { measurement: conflict.measurement })}
                      </label>
                      <select id={id} name="r" defaultValue={selected}>
                        <option value="">{t('propagation.unresolved')}</option>
                        {options.map((option) => (
                          <option key={option.value} value={option.value}>
                            {option.label}
                          </option>
                        ))}
                      </select>
                      <small className="field-error">{conflict.message}</small>
                    </div>
                  );
                })}
              </fieldset>
            ) : null}
          </section>
        ))}
        {/* choices already settled (their conflict gone from the preview) go with the next preview too */}
        {chosen
          .filter((value) => !rendered.has(value))
          .map((value) => (
            <input key={value} type="hidden" name="r" value={value} />
          ))}
        {preview.conflicts > 0 || chosen.length > 0 ? (
          <div className="form-actions">
            <button type="submit">{t('propagation.previewButton')}</button>
          </div>
        ) : null}
      </form>
      {preview.changes === 0 && preview.conflicts === 0 ? (
        <p className="hint">{t('propagation.upToDate')}</p>
      ) : null}
      {/* kept after an apply, so its answer stays on screen beside the new preview */}
      {preview.assets.length > 0 ? (
        <ActionForm
          action={applyPropagation.bind(null, model.id)}
          label={t('propagation.applyLabel')}
          submitLabel={t('propagation.applyButton', { assets: preview.assets.length })}
          pendingLabel={t('propagation.applying')}
        >
          <input type="hidden" name="modelUpdatedAt" value={preview.modelUpdatedAt} />
          {chosen.map((value) => (
            <input key={value} type="hidden" name="r" value={value} />
          ))}
          <p className="hint">{t('propagation.applyHint')}</p>
        </ActionForm>
      ) : null}
    </>
  );
}
