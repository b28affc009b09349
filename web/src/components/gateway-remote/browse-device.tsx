'use client';
// Browse a device through its gateway (OPC UA address space, Sparkplug B births): the tree with live
// values, searchable; ticked variables gather below with a key and name each can change, and are added
// as tags in one request (one config version).
import type { BrowseNode, NewTag } from '@plantwatch/shared';
import { useTranslations } from 'next-intl';
import { useId, useMemo, useState, useTransition } from 'react';
import { addressOf, addressText, filterTree, isTagNode, suggestKey } from '../../browse-tags.ts';
import { describeTagAddress } from '../../plant-text.ts';
import { addBrowsedTags, browseDevice, type Outcome } from '../../server/gateway-remote-actions.ts';

interface Chosen {
  node: BrowseNode;
  key: string;
  name: string;
}

type BrowseOutcome = Outcome<{ root: BrowseNode; nodes: number; truncated: boolean }>;

function valueText(node: BrowseNode): string {
  if (node.value === undefined) return '';
  return node.value === null ? '—' : String(node.value);
}

/** OPC UA's own nodes (namespace 0: the Server object and its diagnostics) start folded. */
const isStandardNode = (node: BrowseNode) => /^(ns=0;)?i=\d+$/.test(node.nodeId);

function Tree(props: {
  node: BrowseNode;
  chosen: Map<string, Chosen>;
  existing: ReadonlySet<string>;
  toggle: (node: BrowseNode) => void;
  /** Everything unfolded (while searching), else OPC UA's own nodes folded. */
  unfold: boolean;
  root?: boolean;
}) {
  const t = useTranslations('remote.browse');
  const { node } = props;
  const name = node.displayName || node.browseName || node.nodeId;
  const taggable = isTagNode(node);
  const already = taggable && props.existing.has(addressText(addressOf(node)));
  const meta = [
    node.nodeId,
    node.dataType,
    valueText(node),
    node.quality && node.quality !== 'good' ? node.quality : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const label = taggable ? (
    <label>
      <input
        type="checkbox"
        checked={already || props.chosen.has(node.nodeId)}
        disabled={already}
        onChange={() => props.toggle(node)}
        aria-label={t('choose', { name })}
      />
      <span>
        {name} <span className="node-meta">{meta}</span>
        {already ? <span className="node-meta"> ({t('already')})</span> : null}
      </span>
    </label>
  ) : (
    <span>
      {name} <span className="node-meta">{node.nodeId}</span>
    </span>
  );
  if (!node.children?.length) return <li>{label}</li>;
  return (
    <li>
      <details open={props.root || props.unfold || !isStandardNode(node)}>
        <summary>{label}</summary>
        <ul>
          {node.children.map((child) => (
            <Tree
              key={child.nodeId}
              node={child}
              chosen={props.chosen}
              existing={props.existing}
              toggle={props.toggle}
              unfold={props.unfold}
            />
          ))}
        </ul>
      </details>
    </li>
  );
}

export function BrowseDevice(props: {
  deviceId: string;
  /** The device's tags now: their keys (taken) and addresses (already tags). */
  tagKeys: string[];
  tagAddresses: string[];
}) {
  const t = useTranslations('remote.browse');
  const ids = { start: useId(), depth: useId(), search: useId() };
  const [startNodeId, setStartNodeId] = useState('');
  const [depth, setDepth] = useState(3);
  const [search, setSearch] = useState('');
  const [browsed, setBrowsed] = useState<BrowseOutcome | null>(null);
  const [chosen, setChosen] = useState<Map<string, Chosen>>(new Map());
  const [added, setAdded] = useState<Outcome<{ created: number; configVersion: number }> | null>(null);
  const [browsing, startBrowse] = useTransition();
  const [adding, startAdd] = useTransition();
  const existing = useMemo(() => new Set(props.tagAddresses), [props.tagAddresses]);

  const browse = () =>
    startBrowse(async () => {
      setAdded(null);
      setBrowsed(await browseDevice(props.deviceId, { startNodeId: startNodeId.trim() || undefined, depth }));
    });

  const toggle = (node: BrowseNode) =>
    setChosen((before) => {
      const next = new Map(before);
      if (next.has(node.nodeId)) next.delete(node.nodeId);
      else {
        const taken = new Set([...props.tagKeys, ...[...next.values()].map((c) => c.key)]);
        next.set(node.nodeId, { node, key: suggestKey(node, taken), name: node.displayName.slice(0, 200) });
      }
      return next;
    });

  const edit = (nodeId: string, field: 'key' | 'name', value: string) =>
    setChosen((before) => {
      const next = new Map(before);
      const entry = next.get(nodeId);
      if (entry) next.set(nodeId, { ...entry, [field]: value });
      return next;
    });

  const add = () =>
    startAdd(async () => {
      const tags = [...chosen.values()].map(
        (c): NewTag => ({
          key: c.key.trim(),
          name: c.name.trim(),
          description: '',
          address: addressOf(c.node),
          scale: 1,
          offset: 0,
          unit: '',
          deadband: 0,
        }),
      );
      const outcome = await addBrowsedTags(props.deviceId, tags);
      setAdded(outcome);
      if (outcome.ok) setChosen(new Map());
    });

  const tree = browsed?.ok ? filterTree(browsed.value.root, search) : null;
  return (
    <div className="command-panel">
      <div className="row">
        <div className="field">
          <label htmlFor={ids.start}>{t('start')}</label>
          <input
            id={ids.start}
            value={startNodeId}
            onChange={(event) => setStartNodeId(event.target.value)}
            aria-describedby={`${ids.start}-hint`}
          />
          <small id={`${ids.start}-hint`} className="hint">
            {t('startHint')}
          </small>
        </div>
        <div className="field">
          <label htmlFor={ids.depth}>{t('depth')}</label>
          <select id={ids.depth} value={depth} onChange={(event) => setDepth(Number(event.target.value))}>
            {[1, 2, 3, 4, 5, 6].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="form-actions">
        <button type="button" onClick={browse} disabled={browsing} aria-disabled={browsing}>
          {browsing ? t('browsing') : t('button')}
        </button>
      </div>
      <div role="status" aria-live="polite" className="form-status">
        {browsed && !browsed.ok ? <p className="error">{browsed.message}</p> : null}
        {browsed?.ok ? (
          <p className="ok">
            {t('found', { n: browsed.value.nodes, truncated: String(browsed.value.truncated) })}
          </p>
        ) : null}
      </div>
      {browsed?.ok ? (
        <>
          <div className="field">
            <label htmlFor={ids.search}>{t('search')}</label>
            <input
              id={ids.search}
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          </div>
          <ul className="browse-tree" aria-label={t('heading')}>
            {tree ? (
              <Tree
                node={tree}
                chosen={chosen}
                existing={existing}
                toggle={toggle}
                unfold={search.trim() !== ''}
                root
              />
            ) : null}
          </ul>
          <h3>{t('selected')}</h3>
          {chosen.size === 0 ? (
            <p className="empty">{t('noneSelected')}</p>
          ) : (
            <div className="table-wrap browse-selected">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('keyHeader')}</th>
                    <th scope="col">{t('nameHeader')}</th>
                    <th scope="col">{t('addressHeader')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...chosen.values()].map((c) => (
                    <tr key={c.node.nodeId}>
                      <td>
                        <input
                          value={c.key}
                          onChange={(event) => edit(c.node.nodeId, 'key', event.target.value)}
                          aria-label={t('key', { node: c.node.displayName })}
                        />
                      </td>
                      <td>
                        <input
                          value={c.name}
                          onChange={(event) => edit(c.node.nodeId, 'name', event.target.value)}
                          aria-label={t('name', { node: c.node.displayName })}
                        />
                      </td>
                      <td>
                        <code>{describeTagAddress(addressOf(c.node))}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {chosen.size > 0 ? (
            <div className="form-actions">
              <button type="button" onClick={add} disabled={adding} aria-disabled={adding}>
                {adding ? t('adding') : t('add', { n: chosen.size })}
              </button>
            </div>
          ) : null}
          <div role="status" aria-live="polite" className="form-status">
            {added && !added.ok ? (
              <>
                <p className="error">{added.message}</p>
                {added.issues?.length ? (
                  <ul className="row-errors">
                    {added.issues.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                ) : null}
              </>
            ) : null}
            {added?.ok ? (
              <p className="ok">
                {t('added', { n: added.value.created, version: added.value.configVersion })}
              </p>
            ) : null}
          </div>
        </>
      ) : null}
    </div>
  );
}
