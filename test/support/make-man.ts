// Writes man/wavert.1 from the command definitions (npm run man-page); a test fails when the committed one drifts.
import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { manPage } from '../../src/cli/man-page.js';
import { createFullProgram } from '../../src/cli/program.js';

export async function currentManPage(): Promise<string> {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: process.cwd() };
  return manPage(await createFullProgram(io));
}

const target = process.argv[2];
if (target !== undefined && process.argv[1]?.endsWith('make-man.js')) writeFileSync(target, await currentManPage());
