// English counts for every sentence a user reads: "1 notification", "2 notifications", "0 events".

/** `count(1, 'event')` → "1 event"; `count(3, 'discontinuity', 'discontinuities')` → "3 discontinuities". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
