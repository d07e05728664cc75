import { extname } from 'node:path';
import { UsageError } from '../errors.js';

// Which report a path asks for; checked before a run starts, without loading the drawing code.

export type ReportKind = 'svg' | 'html';

export function reportKindOf(outputPath: string): ReportKind {
  const extension = extname(outputPath).toLowerCase();
  if (extension === '.svg') return 'svg';
  if (extension === '.html' || extension === '.htm') return 'html';
  throw new UsageError(`the report ${outputPath} must end in .svg (the timeline) or .html (the timeline, summary and scenario), not '${extension || 'no extension'}'`);
}
