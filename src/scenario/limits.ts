// Limits of a scenario run, shared by loading (which refuses what passes them) and running (which budgets by them),
// apart from the loader so that a worker that only runs scenarios does not load the YAML parser.

/** More packets than this in one run is a mistake (a one-frame buffer for minutes of audio), not a scenario. */
export const MAX_PACKETS_PER_RUN = 5_000_000;
/** Model time a run may go on after its input and pauses (underflowing while nothing is written). */
export const RUN_MARGIN_NS = 10_000_000_000;
