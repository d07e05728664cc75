import { IoError, WavertError, describeIoFailure } from '../errors.js';
import { writeFileAtomic } from '../output/atomic-file.js';
import { reportKindOf } from '../report/report-kind.js';
import { renderCompareHtml, renderCompareSvg } from './picture.js';
import type { CompareResult, DepartureSnapshot } from './types.js';

/** Writes the picture of a comparison: .svg (the waveforms around each departure) or .html (with the table). */
export function writeCompareReport(path: string, result: CompareResult, snapshots: readonly DepartureSnapshot[]): void {
  const kind = reportKindOf(path);
  const text = kind === 'svg' ? renderCompareSvg(result, snapshots) : renderCompareHtml(result, snapshots);
  try {
    // whole or not at all: a failed write leaves the earlier report as it was
    writeFileAtomic(path, text);
  } catch (error) {
    if (error instanceof WavertError) throw error;
    throw new IoError(`cannot write the report ${path}: ${describeIoFailure(error)}`);
  }
}
