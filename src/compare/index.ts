export { compareFiles, type CompareOptions, type CompareOutcome } from './compare.js';
export { loadModelGlitches, matchModel } from './model.js';
export { renderCompareHtml, renderCompareSvg } from './picture.js';
export { writeCompareReport } from './report.js';
export { describeDeparture, formatCompare } from './text.js';
export { departureKinds, type CompareResult, type Departure, type DepartureKind, type DepartureSnapshot, type ModelMatch } from './types.js';
