'use client';
// The report form's asset picker (ADR 0043): one site's areas, units and equipment as a nested list
// of checkboxes named scope.assetIds. An asset covers everything under it, so ticking one shows its
// descendants ticked, greyed and "included with" it; they are disabled, so only the topmost chosen
// assets are sent. A descendant ticked before its parent is remembered and comes back when the
// parent is unticked.
import { useTranslations } from 'next-intl';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { assetsIncluded, type ScopeAsset } from '../report-form.ts';

function AssetChoices(props: {
  nodes: readonly ScopeAsset[];
  chosen: ReadonlySet<string>;
  included: ReadonlyMap<string, string>;
  idPrefix: string;
  onToggle: (assetId: string) => void;
}) {
  const r = useTranslations('reports');
  return (
    <ul>
      {props.nodes.map((node) => {
        const includedWith = props.included.get(node.id);
        const inputId = `${props.idPrefix}-${node.id}`;
        return (
          <li key={node.id}>
            <label htmlFor={inputId} className={includedWith ? 'check included' : 'check'}>
              <input
                id={inputId}
                type="checkbox"
                name="scope.assetIds"
                value={node.id}
                checked={includedWith !== undefined || props.chosen.has(node.id)}
                disabled={includedWith !== undefined}
                onChange={() => props.onToggle(node.id)}
              />{' '}
              <span>
                {node.name}
                {node.level ? <span className="muted"> · {node.level}</span> : null}
                {includedWith ? (
                  <span className="muted"> · {r('assetIncluded', { asset: includedWith })}</span>
                ) : null}
              </span>
            </label>
            {node.children.length > 0 ? <AssetChoices {...props} nodes={node.children} /> : null}
          </li>
        );
      })}
    </ul>
  );
}

export function ReportAssetPicker(props: {
  siteName: string;
  assets: readonly ScopeAsset[];
  /** The report's chosen assets on this site (when editing), or none. */
  initial: readonly string[];
}) {
  const r = useTranslations('reports');
  const id = useId();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(props.initial));
  const included = useMemo(() => assetsIncluded(props.assets, chosen), [props.assets, chosen]);
  // The form is emptied after an accepted save (form.reset() puts back the default checks, which a
  // controlled box does not have): the choice goes back to the report's with it.
  const groupRef = useRef<HTMLFieldSetElement>(null);
  const { initial } = props;
  useEffect(() => {
    const form = groupRef.current?.form;
    if (!form) return;
    const reset = () => setChosen(new Set(initial));
    form.addEventListener('reset', reset);
    return () => form.removeEventListener('reset', reset);
  }, [initial]);
  const toggle = (assetId: string) =>
    setChosen((previous) => {
      const next = new Set(previous);
      if (!next.delete(assetId)) next.add(assetId);
      return next;
    });
  return (
    <fieldset ref={groupRef} className="scope-assets">
      <legend>{r('assetsOf', { site: props.siteName })}</legend>
      <AssetChoices
        nodes={props.assets}
        chosen={chosen}
        included={included}
        idPrefix={id}
        onToggle={toggle}
      />
    </fieldset>
  );
}
