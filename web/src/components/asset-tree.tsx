// The asset tree beside the site dashboard (issue 21): every asset of the site, nested, each with its
// active alarms by severity rolled up over everything under it; a link to the asset's page.
import type { AlarmSeverity, AssetTree, AssetTreeNode, SeverityCounts } from '@plantwatch/shared';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
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

function Node({ node, current }: { node: AssetTreeNode; current?: string | undefined }) {
  return (
    <li>
      <span className="asset-node">
        <Link
          href={`/assets/${node.id}`}
          aria-current={node.id === current ? 'page' : undefined}
          data-asset={node.name}
        >
          {node.name}
        </Link>
        {node.level ? <span className="muted asset-level"> {node.level}</span> : null}
        <Counts counts={node.alarmsRolledUp} />
      </span>
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((child) => (
            <Node key={child.id} node={child} current={current} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function AssetTreePanel(props: { tree: AssetTree; siteName: string; current?: string }) {
  const t = useTranslations();
  return (
    <nav className="asset-tree card" aria-label={t('assets.treeLabel', { site: props.siteName })}>
      <h2>{t('assets.treeHeading')}</h2>
      {props.tree.assets.length === 0 ? (
        <p className="muted">{t('assets.treeEmpty')}</p>
      ) : (
        <ul>
          {props.tree.assets.map((node) => (
            <Node key={node.id} node={node} current={props.current} />
          ))}
        </ul>
      )}
    </nav>
  );
}

/** The names from the top of the site down to the asset, each with its id. */
export function pathTo(tree: AssetTree, assetId: string): AssetTreeNode[] {
  const walk = (nodes: AssetTreeNode[], trail: AssetTreeNode[]): AssetTreeNode[] | null => {
    for (const node of nodes) {
      if (node.id === assetId) return [...trail, node];
      const found = walk(node.children, [...trail, node]);
      if (found) return found;
    }
    return null;
  };
  return walk(tree.assets, []) ?? [];
}
