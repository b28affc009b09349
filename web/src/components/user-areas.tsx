// A user's areas and paging contact (ADR 0042), on the user's page: each site's assets as a nested
// list of checkboxes (an area is the asset with everything under it), and the contact they are paged as.
import type { AssetTreeNode, Contact, Site, User } from '@plantwatch/shared';
import { getTranslations } from 'next-intl/server';
import type { FormState } from '../form-state.ts';
import { ActionForm, SelectField } from './forms.tsx';

type Action = (previous: FormState, form: FormData) => Promise<FormState>;

function AssetChoices({ nodes, chosen }: { nodes: readonly AssetTreeNode[]; chosen: ReadonlySet<string> }) {
  return (
    <ul className="area-choices">
      {nodes.map((node) => (
        <li key={node.id}>
          <label>
            <input type="checkbox" name="assetIds" value={node.id} defaultChecked={chosen.has(node.id)} />{' '}
            {node.name}
            {node.level ? <span className="muted"> · {node.level}</span> : null}
          </label>
          {node.children.length > 0 ? <AssetChoices nodes={node.children} chosen={chosen} /> : null}
        </li>
      ))}
    </ul>
  );
}

export async function UserAreas(props: {
  user: User;
  sites: readonly { site: Site; assets: readonly AssetTreeNode[] }[];
  contacts: readonly Contact[];
  action: Action;
}) {
  const { user, sites, contacts } = props;
  const t = await getTranslations('userAreas');
  const roles = await getTranslations('roles');
  const name = user.name || user.email;
  const chosen = new Set(user.assetIds ?? []);
  const whole = user.siteIds === null ? null : new Set(user.siteIds);
  const limitable = user.role === 'operator' || user.role === 'viewer';
  const wholeNames =
    whole === null
      ? t('everySite')
      : sites
          .filter(({ site }) => whole.has(site.id))
          .map(({ site }) => site.name)
          .join(', ') || t('noSite');
  return (
    <section className="acct-section" aria-labelledby="areas">
      <h2 id="areas">{t('heading')}</h2>
      <p>{t('intro', { name })}</p>
      <p>{t('wholeSites', { sites: wholeNames })}</p>
      {!limitable ? <p className="notice">{t('rolesOnly', { name, role: roles(user.role) })}</p> : null}
      <ActionForm
        action={props.action}
        label={t('heading')}
        submitLabel={t('save')}
        pendingLabel={t('saving')}
      >
        <fieldset disabled={!limitable}>
          <legend>{t('areas')}</legend>
          {whole === null && limitable ? <p className="muted">{t('everySiteNote', { name })}</p> : null}
          {sites.filter(({ site }) => !whole?.has(site.id)).length === 0 ? (
            <p className="empty">{t('noAssets')}</p>
          ) : null}
          {sites
            .filter(({ site, assets }) => !whole?.has(site.id) && assets.length > 0)
            .map(({ site, assets }) => (
              <div key={site.id}>
                <p>
                  <strong>{site.name}</strong>
                </p>
                <AssetChoices nodes={assets} chosen={chosen} />
              </div>
            ))}
        </fieldset>
        <SelectField
          name="contactId"
          label={t('contact')}
          hint={t('contactHint', { name })}
          options={[
            { value: '', label: t('noContact') },
            ...contacts.map((contact) => ({ value: contact.id, label: contact.name })),
          ]}
          defaultValue={user.contactId ?? ''}
        />
      </ActionForm>
    </section>
  );
}
