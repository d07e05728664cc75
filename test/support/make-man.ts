// Writes man/wavert.1 from the command definitions (npm run man-page); a test fails when the committed one drifts.
import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { manPage } from '../../src/cli/man-page.js';
import { createProgram } from '../../src/cli/program.js';

export function currentManPage(): string {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: process.cwd() };
  return manPage(createProgram(io, () => undefined));
}

const target = process.argv[2];
if (target !== undefined && process.argv[1]?.endsWith('make-man.js')) writeFileSync(target, currentManPage());
