import type { IsolationMode } from '@phx/core';
import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL `IsolationMode` enum: upper-case names over the domain's
 * lower-case isolation modes (`VIRTUAL` is `virtual`, ...).
 */
export const IsolationModeEnum = Object.freeze({
  VIRTUAL: 'virtual',
  CONTEXT: 'context',
  BROWSER: 'browser',
} as const satisfies Record<string, IsolationMode>);

registerEnumType(IsolationModeEnum, {
  name: 'IsolationMode',
  description: 'How browser state is shared between the properties of a job.',
  valuesConfig: {
    VIRTUAL: { description: 'One shared browser context for all properties (fastest; the default).' },
    CONTEXT: { description: 'A fresh browser context per property (no cookies carried over).' },
    BROWSER: { description: 'A fresh Chromium process per property (strongest, slowest).' },
  },
});
