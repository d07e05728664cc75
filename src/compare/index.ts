export { compareFiles, type CompareOptions, type CompareOutcome } from './compare.js';
export { departureKinds, type CompareResult, type Departure, type DepartureKind, type DepartureSnapshot, type ModelMatch } from './types.js';
