import { z } from 'zod';
import { describeValue } from '../validation/index.js';

/**
 * Run-time schema of a photo's bytes: a `Buffer` or another `Uint8Array`.
 * An `ArrayBuffer`, a string or nothing is named in the message with the fix.
 */
export const photoBytesSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, {
  error: (issue) =>
    `must be the photo's bytes (a Buffer or Uint8Array); got ${describeValue(issue.input)}` +
    (issue.input instanceof ArrayBuffer ? ' (wrap it: Buffer.from(arrayBuffer))' : ''),
});

/** Wraps an options schema so that `null` or a non-object is named (`got null`) and unknown keys are refused. */
export function optionsObject<S extends z.ZodRawShape>(shape: S): z.ZodOptional<z.ZodObject<S, z.core.$strict>> {
  return z
    .strictObject(shape, {
      error: (issue) =>
        issue.code === 'invalid_type' ? `must be an options object or left out; got ${describeValue(issue.input)}` : undefined,
    })
    .optional();
}
