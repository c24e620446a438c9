#!/usr/bin/env node
/**
 * `npm run bench:images`: the photo pipeline against sharp alone on the same
 * photos. Makes ≥ 200 photos of 1-4 MP from the real house photos, then in
 * alternating rounds runs (a) only the sharp operations the pipeline needs
 * and (b) the full pipeline from bytes to stored files and records, with the
 * same number of photos in flight. Prints photos/s of each, their ratio and
 * the peak RSS. A script, not a test: figures depend on the machine.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configureSharp } from '@phx/core';
import { findWorkspaceRoot } from '../db/workspace-paths.js';
import { makeBenchPhotos } from './bench-inputs.js';
import { runPipeline } from './pipeline-run.js';
import { RssSampler } from './rss-sampler.js';
import { runSharpAlone } from './sharp-alone.js';

const MB = 1024 * 1024;

/** Time and CPU one method took over the batches. */
interface Tally {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

async function measure(tally: Tally, what: () => Promise<unknown>): Promise<void> {
  const sampler = new RssSampler();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await what();
  tally.wallSeconds += Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  tally.cpuSeconds += (used.user + used.system) / 1e6;
  tally.peakRssMb = Math.max(tally.peakRssMb, sampler.stop() / MB);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string', default: '200' },
      'in-flight': { type: 'string', default: '4' },
      rounds: { type: 'string', default: '2' },
      fsync: { type: 'string', default: 'on' },
    },
  });
  const count = Math.max(200, Number(values.photos));
  const inFlight = Math.max(2, Number(values['in-flight']));
  const rounds = Math.max(1, Number(values.rounds));
  const fsync = values.fsync !== 'off';
  const fixtures = resolve(process.env['PHX_FIXTURES_DIR'] ?? join(findWorkspaceRoot(), '..', 'shared', 'fixtures'));
  const sharpSettings = configureSharp();
  const photos = await makeBenchPhotos(join(fixtures, 'house-photos'), count);
  const megapixels = photos.map((p) => p.pixels / 1e6);
  console.log(
    `phx image benchmark: ${photos.length} photos of ${Math.min(...megapixels).toFixed(1)}-${Math.max(...megapixels).toFixed(1)} MP ` +
      `(mean ${(megapixels.reduce((a, b) => a + b, 0) / photos.length).toFixed(2)} MP), ${inFlight} in flight, ` +
      `${availableParallelism()} CPUs, sharp threads ${sharpSettings.concurrency}, cache ${sharpSettings.cacheMb === 0 ? 'off' : `${sharpSettings.cacheMb} MiB`}, fsync ${fsync ? 'on' : 'off'}`,
  );
  const pipelineOptions = { photosPerProperty: 40, propertyConcurrency: 2, photoConcurrency: Math.ceil(inFlight / 2), fsync };
  await runSharpAlone(photos.slice(0, 8), inFlight); // warm-up: load libvips codecs
  const batch = pipelineOptions.photosPerProperty;
  const results: { sharp: number; pipeline: number; sharpCpu: number; pipelineCpu: number }[] = [];
  let peakRssMb = 0;
  for (let round = 1; round <= rounds; round += 1) {
    const alone: Tally = { wallSeconds: 0, cpuSeconds: 0, peakRssMb: 0 };
    const pipeline: Tally = { wallSeconds: 0, cpuSeconds: 0, peakRssMb: 0 };
    // Alternating per batch of one property's photos, so the load of a shared machine hits both alike.
    for (let i = 0; i < photos.length; i += batch) {
      const part = photos.slice(i, i + batch);
      await measure(alone, () => runSharpAlone(part, inFlight));
      await measure(pipeline, async () => {
        const outcomes = await runPipeline(part, pipelineOptions);
        const stored = outcomes.reduce((n, o) => n + o.newImages + o.duplicateImages, 0);
        if (stored !== part.length) throw new Error(`the pipeline stored ${stored} of ${part.length} photos`);
      });
    }
    const r = {
      sharp: photos.length / alone.wallSeconds,
      pipeline: photos.length / pipeline.wallSeconds,
      sharpCpu: photos.length / alone.cpuSeconds,
      pipelineCpu: photos.length / pipeline.cpuSeconds,
    };
    results.push(r);
    peakRssMb = Math.max(peakRssMb, alone.peakRssMb, pipeline.peakRssMb);
    console.log(
      `round ${round}: sharp alone ${r.sharp.toFixed(2)} photos/s (${alone.wallSeconds.toFixed(1)} s, ${alone.cpuSeconds.toFixed(1)} CPU-s, peak RSS ${alone.peakRssMb.toFixed(0)} MB); ` +
        `pipeline ${r.pipeline.toFixed(2)} photos/s (${pipeline.wallSeconds.toFixed(1)} s, ${pipeline.cpuSeconds.toFixed(1)} CPU-s, peak RSS ${pipeline.peakRssMb.toFixed(0)} MB); ` +
        `ratio ${(r.pipeline / r.sharp).toFixed(2)} by time, ${(r.pipelineCpu / r.sharpCpu).toFixed(2)} by CPU`,
    );
  }
  const sum = (f: (r: (typeof results)[number]) => number): number => results.reduce((n, r) => n + f(r), 0) / results.length;
  const ratio = sum((r) => r.pipeline) / sum((r) => r.sharp);
  const cpuRatio = sum((r) => r.pipelineCpu) / sum((r) => r.sharpCpu);
  console.log(
    `mean: sharp alone ${sum((r) => r.sharp).toFixed(2)} photos/s, pipeline ${sum((r) => r.pipeline).toFixed(2)} photos/s, ` +
      `ratio ${ratio.toFixed(2)} (by CPU time ${cpuRatio.toFixed(2)}; target ≥ 0.85: ${ratio >= 0.85 ? 'met' : 'NOT met'}); peak RSS ${peakRssMb.toFixed(0)} MB`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
