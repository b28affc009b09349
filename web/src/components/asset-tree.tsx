'use client';
// The asset tree beside the site dashboard (issue 21): every asset of the site, nested, each with its
// active alarms by severity rolled up over everything under it; a link to the asset's page. A search
// field above it narrows the tree to the assets whose name (or path, with a "/") holds the words,
// shown with their ancestors; ↓ moves from the field into the tree, ↑/↓ along it, Escape back.
import type { AlarmSeverity, AssetTree, AssetTreeNode, SeverityCounts } from '@plantwatch/shared';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type KeyboardEvent, useId, useMemo, useRef, useState } from 'react';
import { highlight, searchTree, type TreeSearch } from '../asset-search.ts';
import '../app/assets.css';

function Counts({ counts }: { counts: SeverityCounts }) {
  const t = useTranslations();
  const shown = (Object.entries(counts) as [AlarmSeverity, number][]).filter(([, n]) => n > 0);
  if (shown.length === 0) return null;
  return (
    <span className="asset-counts" title={t('assets.rolledUp')}>
      {shown.map(([severity, n]) => (
        <span key={severity} className={`severity severity-${severity}`}>
          <span aria-hidden="true">{n}</span>
          <span className="asset-count-label">
            {t('assets.countLabel', { n, severity: t(`alarms.severities.${severity}`) })}
          </span>
        </span>
      ))}
    </span>
  );
}

function Name({ name, query, matched }: { name: string; query: string; matched: boolean }) {
  const parts = matched ? highlight(name, query) : null;
  if (!parts) return <>{name}</>;
  return (
    <>
      {parts[0]}
      <mark>{parts[1]}</mark>
      {parts[2]}
    </>
  );
}

function Node(props: {
  node: AssetTreeNode;
  current?: string | undefined;
  search: TreeSearch | null;
  query: string;
}) {
  const { node, current, search, query } = props;
  if (search && !search.shown.has(node.id)) return null;
  const matched = search?.matched.has(node.id) ?? false;
  return (
    <li className={search && !matched ? 'asset-ancestor' : undefined}>
      <span className="asset-node">
        <Link
          href={`/assets/${node.id}`}
          aria-current={node.id === current ? 'page' : undefined}
          data-asset={node.name}
          data-match={matched ? 'true' : undefined}
        >
          <Name name={node.name} query={query} matched={matched} />
        </Link>
        {node.level ? <span className="muted asset-level"> {node.level}</span> : null}
        <Counts counts={node.alarmsRolledUp} />
      </span>
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((child) => (
            <Node key={child.id} node={child} current={current} search={search} query={query} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function AssetTreePanel(props: {
  tree: AssetTree;
  siteName: string;
  current?: string;
  /** An engineer: links to add an asset and to the asset models. */
  siteIdToEdit?: string;
}) {
  const t = useTranslations();
  const router = useRouter();
  const id = useId();
  const [query, setQuery] = useState('');
  const search = useMemo(() => searchTree(props.tree.assets, query), [props.tree.assets, query]);
  const list = useRef<HTMLUListElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const links = () => [...(list.current?.querySelectorAll<HTMLAnchorElement>('a[data-asset]') ?? [])];

  const onFieldKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      (links().find((a) => a.dataset.match) ?? links()[0])?.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const first = search?.order[0];
      if (first) router.push(`/assets/${first}`);
    } else if (event.key === 'Escape') {
      setQuery('');
    }
  };
  const onTreeKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const all = links();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = event.key === 'ArrowDown' ? at + 1 : at - 1;
      if (next < 0) field.current?.focus();
      else all[Math.min(next, all.length - 1)]?.focus();
    } else if (event.key === 'Escape') {
      field.current?.focus();
    }
  };

  const count = search?.matched.size ?? 0;
  return (
    <nav className="asset-tree card" aria-label={t('assets.treeLabel', { site: props.siteName })}>
      <h2>{t('assets.treeHeading')}</h2>
      {props.tree.assets.length === 0 ? (
        <p className="muted">{t('assets.treeEmpty')}</p>
      ) : (
        <>
          <div className="asset-search">
            <label htmlFor={`${id}-q`}>{t('assetEdit.searchLabel')}</label>
            <input
              ref={field}
              id={`${id}-q`}
              type="search"
              value={query}
              autoComplete="off"
              placeholder={t('assetEdit.searchPlaceholder')}
              aria-describedby={`${id}-hint ${id}-count`}
              onChange={(event) => setQuery(event.target.value)}
              onKeyDown={onFieldKey}
            />
            <small id={`${id}-hint`} className="hint">
              {t('assetEdit.searchHint')}
            </small>
            <p id={`${id}-count`} className="hint" role="status">
              {search
                ? count === 0
                  ? t('assetEdit.searchNone')
                  : t('assetEdit.searchCount', { n: count })
                : ''}
            </p>
          </div>
          <ul ref={list} onKeyDown={onTreeKey}>
            {props.tree.assets.map((node) => (
              <Node key={node.id} node={node} current={props.current} search={search} query={query} />
            ))}
          </ul>
        </>
      )}
      {props.siteIdToEdit ? (
        <p className="asset-tree-actions">
          <Link href={`/sites/${props.siteIdToEdit}/assets/new`}>{t('assetEdit.addAsset')}</Link>
          {' · '}
          <Link href="/assets/models">{t('assetEdit.modelsLink')}</Link>
        </p>
      ) : null}
    </nav>
  );
}
