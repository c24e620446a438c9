/** How many job events the timeline keeps (the newest). */
export const MAX_TIMELINE_EVENTS = 200;

/**
 * Appends an event to a timeline, keeping the newest `max` in order of `seq` and each `id` once
 * (a resubscription may deliver an event again).
 *
 * @param events - the timeline so far, oldest first
 * @param event - the event received
 * @param max - how many to keep, default {@link MAX_TIMELINE_EVENTS}
 * @returns a new array, oldest first, at most `max` long
 */
export function appendEvent<E extends { readonly id: string; readonly seq: number }>(
  events: readonly E[],
  event: E,
  max: number = MAX_TIMELINE_EVENTS,
): E[] {
  if (events.some((e) => e.id === event.id)) return [...events];
  const next = [...events, event].sort((a, b) => a.seq - b.seq);
  return next.length > max ? next.slice(next.length - max) : next;
}
