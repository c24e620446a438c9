import type { ExtractionEvent, ExtractPropertyRequest, Property, PropertyExtracting, PropertyOutcome } from '@phx/core';

/**
 * Wraps a property extractor so a listener sees every extraction event as
 * well as the run that asked for them (metrics, for one). The listener must
 * not throw; the events reach the run unchanged.
 *
 * @param inner - the extractor doing the work
 * @param listener - called with each event, before the run's own listener
 * @returns an extractor with the same behaviour
 */
export function observeExtractor(inner: PropertyExtracting, listener: (event: ExtractionEvent) => void): PropertyExtracting {
  return {
    extractProperty(property: Property, request: ExtractPropertyRequest): Promise<PropertyOutcome> {
      const own = request.onEvent;
      return inner.extractProperty(property, {
        ...request,
        onEvent: (event) => {
          listener(event);
          own?.(event);
        },
      });
    },
  };
}
