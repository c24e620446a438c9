import { join } from 'node:path';
import type { PhxGraphqlClient } from '../graphql-client/graphql-client.js';
import {
  CANCEL_JOB,
  ENQUEUE_ALL,
  FINAL_JOB,
  JOB_PROGRESS,
  PROPERTY_PHOTOS,
  type FinalJobView,
  type JobProgress,
  type PhotoView,
  type PropertyOutcomeView,
} from './demo-operations.js';
import { verifyPropertyStore } from './verify-store.js';
import { countOf, formatProgressLine } from '../report/counter-text.js';

/** What the demo extraction needs. */
export interface DemoExtractionOptions {
  /** Client of the running GraphQL server. */
  readonly client: PhxGraphqlClient;
  /** Root of the worker's file image store. */
  readonly imagesDir: string;
  /** Sources to extract from. */
  readonly sources: readonly string[];
  /** Aborted by Ctrl-C: the job is cancelled (its subscription then ends with the cancelled status). */
  readonly signal?: AbortSignal;
}

/**
 * Enqueues the extraction of every sample property over HTTP, prints each
 * progress snapshot received over graphql-ws, then prints the per-property
 * summary and checks the files on disk against the photo records.
 *
 * @param options - client, image store root, sources
 * @returns `true` when the job completed, no property failed (partial ones are shown with their missing photos) and the store matches the records
 */
export async function runDemoExtraction(options: DemoExtractionOptions): Promise<boolean> {
  const { client } = options;
  const t0 = Date.now();
  const { enqueueExtraction: job } = await client.request<{ enqueueExtraction: JobProgress }>(ENQUEUE_ALL, {
    input: { all: true, sources: options.sources },
  });
  console.log(`enqueueExtraction -> job ${job.id} (${job.totalProperties} properties, status ${job.status.toLowerCase()})`);
  const cancel = (): void => {
    console.log(`cancelJob -> job ${job.id}`);
    client.request(CANCEL_JOB, { id: job.id }).catch((error: unknown) => {
      console.error(`  cancelJob failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  if (options.signal?.aborted === true) cancel();
  else options.signal?.addEventListener('abort', cancel, { once: true });
  console.log('jobProgress subscription (graphql-ws):');
  let updates = 0;
  let lastShown = '';
  for await (const data of client.subscribe<{ jobProgress: JobProgress }>(JOB_PROGRESS, { jobId: job.id })) {
    updates += 1;
    const shown = formatProgressLine(data.jobProgress);
    // A new version can change fields the line does not show (outcomes, timestamps).
    if (shown !== lastShown) console.log(`  [${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${shown}`);
    lastShown = shown;
  }
  // The job is final: a later Ctrl-C (e.g. while --keep-console keeps the console up) has nothing to cancel.
  options.signal?.removeEventListener('abort', cancel);
  console.log(`  (${updates} updates received over the WebSocket)\n`);

  const { job: final } = await client.request<{ job: FinalJobView }>(FINAL_JOB, { id: job.id });
  return printSummary(client, final, options.imagesDir);
}

/** The outcomes of the final job, page after page (the first page came with the job). */
async function* finalOutcomes(client: PhxGraphqlClient, final: FinalJobView): AsyncGenerator<PropertyOutcomeView> {
  for (let page = final.properties; ;) {
    for (const edge of page.edges) if (edge.node.outcome !== null) yield edge.node.outcome;
    if (!page.pageInfo.hasNextPage) return;
    page = (await client.request<{ job: FinalJobView }>(FINAL_JOB, { id: final.id, after: page.pageInfo.endCursor })).job.properties;
  }
}

async function printSummary(client: PhxGraphqlClient, final: FinalJobView, imagesDir: string): Promise<boolean> {
  console.log(`Job ${final.id}: ${final.status.toLowerCase()}${final.errorMessage ? ` (${final.errorMessage})` : ''}`);
  console.log(
    `${'property'.padEnd(44)} ${'status'.padEnd(9)} ${'found'.padStart(5)} ${'new'.padStart(4)} ${'dup'.padStart(4)} ${'same'.padStart(4)} ${'fail'.padStart(4)} ${'miss'.padStart(4)}  on disk, checked against the records`,
  );
  let allGood = final.status.toLowerCase() === 'completed';
  for await (const o of finalOutcomes(client, final)) {
    const { photos } = await client.request<{ photos: PhotoView[] }>(PROPERTY_PHOTOS, { propertyId: o.propertyId });
    const dir = join(imagesDir, o.propertyId);
    const check = await verifyPropertyStore(dir, photos);
    console.log(
      `${o.address.slice(0, 44).padEnd(44)} ${o.status.toLowerCase().padEnd(9)} ${String(o.photosFound).padStart(5)} ` +
        `${String(o.newImages).padStart(4)} ${String(o.duplicateImages).padStart(4)} ${String(o.unchangedImages).padStart(4)} ${String(o.failedImages).padStart(4)} ${String(o.missingPhotos).padStart(4)}  ` +
        `${countOf(check.records, 'photo')}${check.problems.length === 0 ? ' ok' : ' MISMATCH'} (${check.files} files with variants) in ${dir}`,
    );
    if (o.retryAt !== null) console.log(`    deferred: the site asked to wait; a later run retries it from ${o.retryAt}`);
    if (o.placeholderImages > 0) console.log(`    ${o.placeholderImages} of its photos are the site's placeholder image (stored, flagged)`);
    for (const f of o.failures) console.log(`    ! ${f.code}: ${f.message}`);
    for (const p of check.problems) console.log(`    ! store: ${p}`);
    // A partial or deferred property is reported (status, missing count or retry time, failure lines), not a failed demo:
    // the page itself shows fewer photos, or the site asked to be left alone for a while.
    if (o.status.toLowerCase() === 'failed' || check.problems.length > 0) allGood = false;
  }
  console.log(
    `Totals: ${final.totalImages} photos stored by this run (${final.newImages} new, ${final.duplicateImages} duplicate), ` +
      `${final.unchangedImages} unchanged (stored before, not downloaded again), ${final.failedImages} failed; from ${final.completedProperties}/${final.totalProperties} properties completed` +
      `, ${final.partialProperties} partial (photos missing), ${final.deferredProperties} deferred (retried by a later run), ` +
      `${final.failedProperties} failed; ${final.placeholderImages} placeholder images.`,
  );
  return allGood;
}
