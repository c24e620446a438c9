import type { ReactNode } from 'react';

/**
 * The <thead> of a data table: one column header per name.
 *
 * @param props - `names`, the column headers in order
 * @returns the table head
 */
export function ColumnHeads(props: { readonly names: readonly string[] }): ReactNode {
  return (
    <thead>
      <tr>
        {props.names.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}
