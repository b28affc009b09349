// A column heading that sorts its table (a link, so it works before scripts load and the order is a URL
// one can bookmark): aria-sort says the current order to screen readers, an arrow shows it to the eye.
import Link from 'next/link';
import type { ReactNode } from 'react';

export function SortableHeader<K extends string>(props: {
  column: K;
  /** The table's sort now. */
  sort: { key: K; direction: 'asc' | 'desc' };
  /** The direction this column starts in when chosen. */
  firstDirection: 'asc' | 'desc';
  /** The page's other parameters, kept in the link. */
  params: Record<string, string>;
  className?: string;
  children: ReactNode;
}) {
  const active = props.sort.key === props.column;
  const direction = active ? (props.sort.direction === 'asc' ? 'desc' : 'asc') : props.firstDirection;
  const query = new URLSearchParams({ ...props.params, sort: props.column, dir: direction });
  return (
    <th
      scope="col"
      className={props.className}
      aria-sort={active ? (props.sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <Link className="sort-link" href={`?${query}`} scroll={false}>
        {props.children}
        <span aria-hidden="true" className="sort-arrow">
          {active ? (props.sort.direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </Link>
    </th>
  );
}
