import type { Metadata } from 'next';
import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { ConfigPage, ConfigTable, RemoveRow } from '../../../../../../components/config-list.tsx';
import { DerivedTagForm } from '../../../../../../components/derived-tag-form.tsx';
import { createDerivedTag, deleteDerivedTag } from '../../../../../../server/derived-tag-actions.ts';
import { derivedTagSite } from '../../../../../../server/derived-tags-data.ts';
import { can } from '../../../../../../server/viewer.ts';

export async function generateMetadata(): Promise<Metadata> {
  const d = await getTranslations('derivedTags');
  return { title: d('title') };
}

export default async function DerivedTagsPage(props: { params: Promise<{ siteId: string }> }) {
  const { siteId } = await props.params;
  const [{ site, derived, choices }, engineer] = await Promise.all([derivedTagSite(siteId), can('engineer')]);
  const d = await getTranslations('derivedTags');
  const c = await getTranslations('config');
  return (
    <ConfigPage title={d('titleOf', { site: site.name })} intro={d('intro')} engineer={engineer}>
      <p>
        <Link href={`/config/sites/${site.id}`}>{c('editSite', { name: site.name })}</Link>
      </p>
      <ConfigTable
        rows={derived}
        rowKey={(tag) => tag.id}
        empty={d('none')}
        columns={[
          {
            header: c('name'),
            cell: (tag) => <Link href={`/config/sites/${site.id}/derived-tags/${tag.id}`}>{tag.name}</Link>,
          },
          { header: d('key'), cell: (tag) => <code>{tag.key}</code> },
          { header: d('formula'), cell: (tag) => <code className="formula">{tag.formula}</code> },
          { header: c('unit'), cell: (tag) => tag.unit },
          {
            header: d('period'),
            cell: (tag) =>
              tag.periodSeconds === null ? d('onChange') : d('everySeconds', { seconds: tag.periodSeconds }),
          },
        ]}
        actions={
          engineer
            ? (tag) => <RemoveRow name={tag.name} action={deleteDerivedTag.bind(null, site.id, tag.id)} />
            : undefined
        }
      />
      {engineer ? (
        <section aria-labelledby="new-derived-tag">
          <h2 id="new-derived-tag">{d('add')}</h2>
          <DerivedTagForm
            action={createDerivedTag.bind(null, site.id)}
            label={d('add')}
            submitLabel={d('addButton')}
            pendingLabel={c('saving')}
            siteId={site.id}
            choices={choices}
          />
        </section>
      ) : null}
    </ConfigPage>
  );
}
