import { writeFileSync } from 'node:fs';
import { IoError, describeIoFailure } from '../errors.js';
import { reportKindOf } from '../report/report-kind.js';
import { renderCompareHtml, renderCompareSvg } from './picture.js';
import type { CompareResult, DepartureSnapshot } from './types.js';

/** Writes the picture of a comparison: .svg (the waveforms around each departure) or .html (with the table). */
export function writeCompareReport(path: string, result: CompareResult, snapshots: readonly DepartureSnapshot[]): void {
  const kind = reportKindOf(path);
  const text = kind === 'svg' ? renderCompareSvg(result, snapshots) : renderCompareHtml(result, snapshots);
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new IoError(`cannot write the report ${path}: ${describeIoFailure(error)}`);
  }
}
