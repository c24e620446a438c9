import { addCatalogProperty, JobService, removeUnusedProperty } from '@phx/jobs';
import { formatImportReport, openCatalog } from './catalog-selection.js';
import type { CliContext } from './run-cli.js';
import type { PropertiesRequest } from './properties-options.js';

/**
 * Carries out a `phx-extract properties …` request on the catalog (seeded from
 * the sample CSV when empty).
 *
 * @param request - what was asked
 * @param ctx - database, queue, settings, output
 * @returns the exit code: 0 on success; 1 for an import with invalid rows (the others imported)
 * @throws core's InvalidInputError (bad CSV, unsupported listing URL, bad cursor, a label the label rule refuses) and NotFoundError (unknown property, missing file);
 *   `PropertyInUseError` (code `PROPERTY_IN_USE`) when a property to remove is in a pending or running job
 */
export async function runPropertiesCli(
  request: PropertiesRequest,
  ctx: Pick<CliContext, 'db' | 'agenda' | 'logger' | 'write' | 'config'>,
): Promise<number> {
  const catalog = await openCatalog(ctx.db, ctx.config.csvPath);
  switch (request.action) {
    case 'import': {
      const report = await catalog.importCsvFile(request.file, request.label === null ? {} : { label: request.label });
      for (const line of formatImportReport(report, request.file)) ctx.write(line);
      return report.invalid.length === 0 ? 0 : 1;
    }
    case 'add': {
      const target = /^https?:\/\//i.test(request.target.trim()) ? { listingUrl: request.target } : { address: request.target };
      const property = await addCatalogProperty(catalog, target, request.label === null ? [] : [request.label]);
      ctx.write(`Property ${property.id}: ${property.address}`);
      return 0;
    }
    case 'list': {
      const page = await catalog.list(
        {
          ...(request.search === null ? {} : { search: request.search }),
          ...(request.label === null ? {} : { label: request.label }),
          ...(request.source === null ? {} : { source: request.source }),
        },
        { first: request.first, after: request.after },
      );
      if (request.json) {
        ctx.write(JSON.stringify(page, null, 2));
        return 0;
      }
      for (const p of page.nodes) {
        const sites = Object.keys(p.listingUrls).join(',') || '-';
        ctx.write(`${p.id}  ${p.address}  [${sites}]  ${p.labels.join(',')}`);
      }
      ctx.write(`${page.nodes.length} of ${page.totalCount}${page.hasNextPage ? `; next page: --after ${page.endCursor}` : ''}`);
      return 0;
    }
    case 'remove': {
      const service = new JobService({ db: ctx.db, agenda: ctx.agenda, logger: ctx.logger });
      const removed = await removeUnusedProperty(catalog, service, request.property);
      ctx.write(`Removed ${removed.id}`);
      return 0;
    }
  }
}
