// The parts every configuration page shares: the heading with the read-only notice, the list as a
// table (or its empty state) with a remove button per row for engineers, and the "add" section.
// Server components; each page describes only its columns and its form.

import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import type { FormState } from '../form-state.ts';
import { RemoveButton } from './forms.tsx';

/** Heading, optional introduction, and the notice a viewer below engineer sees. */
export function ConfigPage(props: {
  title: string;
  intro?: ReactNode;
  engineer: boolean;
  children: ReactNode;
}) {
  const t = useTranslations();
  return (
    <>
      <h1>{props.title}</h1>
      {props.intro ? <p>{props.intro}</p> : null}
      {props.engineer ? null : <p className="notice">{t('config.readOnly')}</p>}
      {props.children}
    </>
  );
}

export interface ConfigColumn<T> {
  header: string;
  /** Right-aligned numbers. */
  num?: boolean;
  cell: (row: T) => ReactNode;
}

/**
 * The list: `empty` when there are no rows, otherwise a table whose first column heads each row;
 * an Actions column appears when `actions` is given (engineers).
 */
export function ConfigTable<T>(props: {
  rows: readonly T[];
  rowKey: (row: T) => string;
  empty: ReactNode;
  columns: readonly [ConfigColumn<T>, ...ConfigColumn<T>[]];
  actions?: ((row: T) => ReactNode) | undefined;
}) {
  const t = useTranslations();
  if (props.rows.length === 0) return <p className="empty">{props.empty}</p>;
  const [head, ...rest] = props.columns;
  const numClass = (column: ConfigColumn<T>) => (column.num ? 'num' : undefined);
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.header} scope="col" className={numClass(column)}>
                {column.header}
              </th>
            ))}
            {props.actions ? <th scope="col">{t('config.actions')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)}>
              <th scope="row" className={numClass(head)}>
                {head.cell(row)}
              </th>
              {rest.map((column) => (
                <td key={column.header} className={numClass(column)}>
                  {column.cell(row)}
                </td>
              ))}
              {props.actions ? <td>{props.actions(row)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Remove <name>" after a confirmation, for one row. */
export function RemoveRow(props: { name: string; action: () => Promise<FormState> }) {
  const t = useTranslations();
  return (
    <RemoveButton
      action={props.action}
      confirmText={t('config.confirmRemove', { what: props.name })}
      label={`${t('common.remove')} ${props.name}`}
    />
  );
}

/**
 * The add form's section, for engineers only. Without `ready` (nothing to attach the new object
 * to yet) it shows what to add first instead.
 */
export function AddSection(props: {
  id: string;
  title: string;
  engineer: boolean;
  ready?: boolean;
  needFirst?: ReactNode;
  children: ReactNode;
}) {
  if (!props.engineer) return null;
  if (props.ready === false) return props.needFirst ? <p>{props.needFirst}</p> : null;
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}
