import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { postGraphql } from './support/http-graphql.js';
import { startServerWithWorker, type ServerWithWorker } from './support/server-with-worker.js';
import { recordSubscription, within } from './support/subscription-recorder.js';

const EXTRACTION_TIMEOUT_MS = 180_000;

/** The saved Redfin page that shows 7 of the 11 photos it declares, and a Zillow page that gives the 5 it declares. */
const NEW_YORK = '111 4th Ave Unit 3I, New York, NY 10003';
const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';

const ENQUEUE = `mutation($addresses: [String!]!) { enqueueExtraction(input: { addresses: $addresses }) { id } }`;
const EVENTS = `subscription($jobId: ID!) { jobEvents(filter: { jobIds: [$jobId], types: [PROPERTY_FINISHED, STATUS] }) {
  type status address propertyStatus missingPhotos counters { completedProperties partialProperties failedProperties } } }`;
const FINAL_JOB = `query($id: ID!) { job(id: $id) { status completedProperties partialProperties failedProperties failedPropertiesList
  propertyOutcomes { address status photosFound missingPhotos failures { source code message } } } }`;

interface EventView {
  readonly type: string;
  readonly status: string;
  readonly address: string | null;
  readonly propertyStatus: string | null;
  readonly missingPhotos: number | null;
  readonly counters: { completedProperties: number; partialProperties: number; failedProperties: number };
}
interface OutcomeView {
  readonly address: string;
  readonly status: string;
  readonly photosFound: number;
  readonly missingPhotos: number;
  readonly failures: { source: string | null; code: string; message: string }[];
}

describe('a partial property over the wire: the built worker and GraphQL server as separate processes', () => {
  let processes: ServerWithWorker | undefined;
  let client: Client | undefined;
  let url: string;
  let authorization: string;

  beforeAll(async () => {
    processes = await startServerWithWorker('partial');
    ({ url } = processes.server);
    authorization = processes.server.adminKey.authorization;
  }, 240_000);

  afterAll(async () => {
    await client?.dispose();
    await processes?.close();
  }, 120_000);

  it(
    'shows PARTIAL with missingPhotos and why in the job, its outcomes and its live events; the whole page stays COMPLETED',
    async () => {
      const enqueued = await postGraphql<{ enqueueExtraction: { id: string } }>(
        url,
        ENQUEUE,
        { addresses: [NEW_YORK, CHICAGO] },
        authorization,
      );
      const jobId = enqueued.body.data?.enqueueExtraction.id;
      expect(jobId, JSON.stringify(enqueued.body)).toBeDefined();
      client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization },
      });
      const events = recordSubscription<{ jobEvents: EventView }>(client, EVENTS, { jobId });
      await within(events.completed, EXTRACTION_TIMEOUT_MS, 'extraction');

      const received = events.results.map((r) => {
        expect(r.errors).toBeUndefined();
        return r.data?.jobEvents as EventView;
      });
      const finished = received.filter((e) => e.type === 'PROPERTY_FINISHED').map((e) => [e.address, e.propertyStatus, e.missingPhotos]);
      expect(finished.sort()).toEqual([
        [NEW_YORK, 'PARTIAL', 4],
        [CHICAGO, 'COMPLETED', 0],
      ]);
      expect(received.at(-1)).toMatchObject({
        type: 'STATUS',
        status: 'COMPLETED',
        counters: { completedProperties: 1, partialProperties: 1, failedProperties: 0 },
      });

      const job = (
        await postGraphql<{ job: { propertyOutcomes: OutcomeView[] } & Record<string, unknown> }>(
          url,
          FINAL_JOB,
          { id: jobId },
          authorization,
        )
      ).body.data?.job;
      expect(job).toMatchObject({
        status: 'COMPLETED',
        completedProperties: 1,
        partialProperties: 1,
        failedProperties: 0,
        failedPropertiesList: [],
      });
      const newYork = job?.propertyOutcomes.find((o) => o.address === NEW_YORK);
      expect(newYork).toMatchObject({ status: 'PARTIAL', photosFound: 7, missingPhotos: 4 });
      expect(newYork?.failures).toEqual([
        {
          source: 'redfin',
          code: 'PHOTOS_MISSING',
          message: expect.stringContaining('declares 11 photos but its gallery gave 7: 4 missing'),
        },
      ]);
      expect(job?.propertyOutcomes.find((o) => o.address === CHICAGO)).toMatchObject({
        status: 'COMPLETED',
        photosFound: 5,
        missingPhotos: 0,
        failures: [],
      });
    },
    EXTRACTION_TIMEOUT_MS + 60_000,
  );
});
