import type { PropertyImportReport } from '@phx/jobs';
import { Field, Int, ObjectType } from 'type-graphql';

/** GraphQL `InvalidPropertyRow` (see its `description`). */
@ObjectType('InvalidPropertyRow', { description: 'A CSV row that was not imported, and why.' })
export class InvalidPropertyRowType {
  @Field(() => Int, { description: 'Its line in the file (the header is line 1).' })
  readonly line!: number;

  @Field(() => String, { description: 'Why it was refused: no address, a URL of another site, a duplicate address in the file...' })
  readonly reason!: string;
}

/** GraphQL `PropertyImportReport` (see its `description`). */
@ObjectType('PropertyImportReport', {
  description: 'What an import of a properties CSV did. The same CSV imported twice: all unchanged, nothing written.',
})
export class PropertyImportReportType {
  @Field(() => Int, { description: 'Rows whose property was new to the catalog.' })
  readonly added!: number;

  @Field(() => Int, { description: 'Rows that changed a catalog property (a new listing URL or label).' })
  readonly updated!: number;

  @Field(() => Int, { description: 'Rows the catalog already held as they are.' })
  readonly unchanged!: number;

  @Field(() => [InvalidPropertyRowType], { description: 'Rows refused, in file order; the other rows were imported.' })
  readonly invalid!: readonly InvalidPropertyRowType[];

  @Field(() => [String], { description: 'Ids of the imported rows (added, updated or unchanged), in file order.' })
  readonly ids!: readonly string[];
}

/**
 * Maps an import report to its GraphQL shape.
 *
 * @param report - from `PropertyCatalog.importCsv` of `@phx/jobs`
 * @returns the GraphQL `PropertyImportReport`
 */
export function toPropertyImportReport(report: PropertyImportReport): PropertyImportReportType {
  return {
    added: report.added,
    updated: report.updated,
    unchanged: report.unchanged,
    invalid: report.invalid.map((r) => ({ line: r.line, reason: r.reason })),
    ids: report.ids,
  };
}
