import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobNotification } from 'agenda';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { MongoNotificationChannel, NOTIFICATIONS_COLLECTION } from '../../src/agenda/mongo-notification-channel.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

describe('MongoNotificationChannel', () => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await openTestDatabase('notify');
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('delivers a notification published by another process once, the soonest per job name, and none older than the overlap before connect', async () => {
    const publisher = new MongoNotificationChannel({ db: tdb.db });
    const reader = new MongoNotificationChannel({ db: await tdb.connectAgain(), pollIntervalMs: 20, overlapMs: 2_000 });
    const old = { jobId: 'old', jobName: 'other-job', nextRunAt: null, priority: 0, timestamp: new Date() } as unknown as JobNotification;
    await publisher.publish(old);
    await tdb.db.collection(NOTIFICATIONS_COLLECTION).updateMany({}, { $set: { at: new Date(Date.now() - 10_000) } });
    const received: JobNotification[] = [];
    reader.subscribe((n) => {
      received.push(n);
    });
    const later = new Date(Date.now() + 1_000);
    const soon = new Date();
    await publisher.publish({
      jobId: 'a',
      jobName: 'extract-images',
      nextRunAt: later,
      priority: 0,
      timestamp: new Date(),
    } as unknown as JobNotification);
    await publisher.publish({
      jobId: 'b',
      jobName: 'extract-images',
      nextRunAt: soon,
      priority: 10,
      timestamp: new Date(),
      source: 'api',
    } as unknown as JobNotification);
    // Both lie within the overlap before connect, so the first read finds them together.
    await reader.connect();
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await sleep(20);
    // Several more reads overlap the same documents; none is delivered twice.
    await sleep(200);
    await reader.disconnect();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ jobId: 'b', jobName: 'extract-images', nextRunAt: soon, priority: 10, source: 'api' });
  });

  it('lets a started queue take a job up without waiting for its next scan', async () => {
    const api = await createAgenda({ db: tdb.db });
    const worker = await createAgenda({ db: await tdb.connectAgain(), processEveryMs: 600_000, notifications: { pollIntervalMs: 20 } });
    const ran = new Promise<unknown>((resolve) => {
      worker.define('notified-job', async (job) => {
        resolve(job.attrs.data);
      });
    });
    await worker.start();
    // The start-up scan has run; the next one is ten minutes away.
    await sleep(300);
    await api.now('notified-job', { n: 1 });
    const timeout = sleep(20_000).then(() => 'not run');
    expect(await Promise.race([ran, timeout])).toEqual({ n: 1 });
    await worker.stop(false);
    await api.stop(false);
  });
});
