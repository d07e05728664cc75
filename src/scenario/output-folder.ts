// A scenario's output folder, `<out>/<name>/`: always a real folder directly inside --out (never a symlink, never
// `..`), holding only what the run writes. A run that fails, crashes or is interrupted leaves nothing half-written.
import { lstatSync, mkdirSync, readdirSync, rmdirSync, unlinkSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { IoError, describeIoFailure } from '../errors.js';
import { quoted, safeFolderName } from '../output/names.js';
import { makeFolders } from '../output/atomic-file.js';
import { SameFileGuard } from '../output/same-file.js';
import { ScenarioError } from '../errors.js';
import type { Scenario } from './model.js';

/** Every file a scenario run may write into its folder. */
export const SCENARIO_OUTPUT_FILES = ['rendered.wav', 'trace.ndjson', 'summary.json', 'timeline.svg', 'report.html'] as const;
// the temporary names AtomicFile gives the files above while they are written
const TEMPORARY = /^\.(rendered\.wav|trace\.ndjson|summary\.json|timeline\.svg|report\.html)\.\d+-[\d-]+\.tmp$/;

/** `<outDir>/<safe name>` as a path; nothing is touched. */
export function scenarioFolderPath(outDir: string, scenarioName: string): string {
  return join(outDir, safeFolderName(scenarioName));
}

/**
 * Makes `<outDir>/<safe name>/` a real folder: a symlink planted there is removed (never followed), a file in
 * the way is an IoError; the outputs of an earlier run are cleared so none survive a failed run.
 */
export function prepareScenarioFolder(outDir: string, scenarioName: string): string {
  const directory = scenarioFolderPath(outDir, scenarioName);
  try {
    makeFolders(outDir);
    const existing = lstatOrNull(directory);
    if (existing?.isSymbolicLink()) unlinkSync(directory);
    else if (existing !== null && !existing.isDirectory()) throw new IoError(`cannot write the outputs of ${quoted(scenarioName)}: ${directory} exists and is not a folder`);
    if (existing === null || existing.isSymbolicLink()) mkdirSync(directory);
  } catch (error) {
    if (error instanceof IoError) throw error;
    throw new IoError(`cannot create the output folder ${directory}: ${describeIoFailure(error)}`);
  }
  clearScenarioOutputs(directory, false);
  return directory;
}

/** Removes the run's outputs (and temporary files) from a scenario folder; `removeFolder` drops it when empty. Never throws. */
export function clearScenarioOutputs(directory: string, removeFolder: boolean): void {
  let names: string[];
  try {
    if (!lstatSync(directory).isDirectory()) return;
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names) {
    if (!(SCENARIO_OUTPUT_FILES as readonly string[]).includes(name) && !TEMPORARY.test(name)) continue;
    try {
      // unlink removes a planted symlink itself, never what it points to
      if (!lstatSync(join(directory, name)).isDirectory()) unlinkSync(join(directory, name));
    } catch {
      // already gone
    }
  }
  if (removeFolder) {
    try {
      rmdirSync(directory);
    } catch {
      // not empty (the user's own files) or already gone
    }
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** The scenario's own files (script, input, golden unless it is being updated) are never overwritten by its outputs. */
export function guardScenarioOutputs(scenario: Scenario, outputs: { wav: string; trace: string; summary: string }): void {
  const guard = new SameFileGuard().addInput(join(scenario.directory, basename(scenario.file)), 'scenario file');
  if (scenario.input.type === 'file') guard.addInput(scenario.input.path, 'input');
  if (scenario.expect.goldenWav) guard.addInput(scenario.expect.goldenWav.path, 'golden WAV');
  try {
    const noFollow = { followSymlinks: false };
    guard.claimOutput(outputs.wav, 'rendered.wav', noFollow).claimOutput(outputs.trace, 'trace', noFollow).claimOutput(outputs.summary, 'summary', noFollow);
  } catch (error) {
    throw new ScenarioError(`${scenario.file}: ${(error as Error).message}`);
  }
}
