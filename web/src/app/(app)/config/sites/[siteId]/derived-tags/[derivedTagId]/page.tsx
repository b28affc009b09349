import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { DerivedTagForm } from '../../../../../../../components/derived-tag-form.tsx';
import { updateDerivedTag } from '../../../../../../../server/derived-tag-actions.ts';
import { derivedTagSite, getDerivedTag } from '../../../../../../../server/derived-tags-data.ts';
import { can } from '../../../../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const d = await getTranslations('derivedTags');
  return { title: d('editTitle') };
}

export default async function EditDerivedTagPage(props: {
  params: Promise<{ siteId: string; derivedTagId: string }>;
}) {
  const { siteId, derivedTagId } = await props.params;
  const [tag, { site, choices }, engineer] = await Promise.all([
    getDerivedTag(derivedTagId),
    derivedTagSite(siteId),
    can('engineer'),
  ]);
  if (tag.siteId !== site.id) notFound();
  const t = await getTranslations();
  const d = await getTranslations('derivedTags');
  return (
    <>
      <h1>{d('edit', { name: tag.name })}</h1>
      <p>
        <Link href={`/config/sites/${site.id}/derived-tags`}>{d('titleOf', { site: site.name })}</Link>
      </p>
      {engineer ? (
        <DerivedTagForm
          action={updateDerivedTag.bind(null, site.id, tag.id)}
          label={d('edit', { name: tag.name })}
          submitLabel={t('common.save')}
          pendingLabel={t('config.saving')}
          siteId={site.id}
          choices={choices.filter((choice) => choice.reference !== `\${${tag.key}}`)}
          initial={tag}
          version={tag.updatedAt}
        />
      ) : (
        <>
          <p className="notice">{t('config.readOnly')}</p>
          <p>
            <code className="formula">{tag.formula}</code> {tag.unit}
          </p>
        </>
      )}
    </>
  );
}
