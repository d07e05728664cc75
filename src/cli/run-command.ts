import { readdirSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { IoError, UsageError, describeIoFailure } from '../errors.js';
import { SameFileGuard, escapeControlCharacters, makeFolders, safeFolderName, writeFileAtomic } from '../output/index.js';
import {
  clearScenarioOutputs, defaultJobCount, stopAllWorkers, failureLines, junitXml, runLoadedScenario, ScenarioPool, type CheckOutcome, type PoolEntry, type ScenarioResult,
} from '../scenario/index.js';
import { scenarioReportHook } from '../report/scenario-report.js';
import { openSink, parseSinkSpec } from '../sinks/index.js';
import { DEFAULT_LOOKAHEAD_MS } from '../player/index.js';
import { EXIT_BAD_INPUT, EXIT_EXPECTATION_FAILED, EXIT_OK, EXIT_RUN_CRASHED } from './exit-codes.js';
import { DEFAULT_TIMEOUT_S } from './run.js';
import type { CliIo } from './io.js';
import { onSignalExit } from './signals.js';
import { Diagnostics } from './diagnostics.js';
import { logLevelFromOptions, parseInteger, profileFromOption, type VerbosityOptionValues } from './options.js';
import { count } from '../text/count.js';

export interface RunOptions extends VerbosityOptionValues {
  out?: string;
  realtime?: boolean;
  live?: boolean;
  latencyMs?: string;
  sink?: string;
  device?: string;
  updateGolden?: boolean;
  goldenDir?: string;
  junit?: string;
  jobs?: string;
  timeoutS?: string;
  report?: boolean;
  profile?: string;
}

const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Scenario files named on the command line: files as given, folders searched recursively, in name order. */
export function collectScenarioFiles(paths: readonly string[], cwd: string): string[] {
  const files: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && SCENARIO_EXTENSIONS.includes(extname(entry.name).toLowerCase())) files.push(path);
    }
  };
  for (const given of paths) {
    const path = resolve(cwd, given);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`${given}: no such scenario file or folder`);
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const before = files.length;
    walk(path);
    if (files.length === before) throw new UsageError(`${given}: the folder holds no scenario files (${SCENARIO_EXTENSIONS.join(', ')})`);
  }
  return [...new Set(files)];
}

/** A path as the user would write it: relative to the working folder when inside it. */
function shown(file: string, cwd: string): string {
  const path = relative(cwd, file);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? file : path;
}

/**
 * Loads every scenario, each in a worker under the time limit: invalid ones are reported without running, and
 * names must be unique as folder names (they name the output folders; the first file in order keeps its name).
 * Each valid scenario goes to `onRunnable`, loaded, once every file before it is loaded (one thread loads while
 * the others run); with no `onRunnable`, every thread loads.
 */
async function preflight(
  files: readonly string[], cwd: string, pool: ScenarioPool, onRunnable?: (entry: PoolEntry) => void,
): Promise<{ runnable: PoolEntry[]; invalid: Map<string, ScenarioResult> }> {
  const invalid = new Map<string, ScenarioResult>();
  const runnable: PoolEntry[] = [];
  const owners = new Map<string, string>();
  const outcomes: Array<CheckOutcome | undefined> = new Array(files.length);
  let decided = 0;
  const decideInOrder = (): void => {
    for (; decided < files.length && outcomes[decided] !== undefined; decided++) decide(decided, outcomes[decided]!);
  };
  const decide = (index: number, outcome: CheckOutcome): void => {
    const file = files[index]!;
    const shownFile = shown(file, cwd);
    if (outcome.name === null) {
      invalid.set(file, outcome.result);
      return;
    }
    const folder = safeFolderName(outcome.name);
    const owner = owners.get(folder);
    if (owner !== undefined) {
      invalid.set(file, {
        name: outcome.name, file: shownFile, status: 'invalid', expectations: [], outputDir: null, wallMs: 0, brief: null,
        message: folder === outcome.name
          ? `${shownFile}: the scenario name '${outcome.name}' is already used by ${owner}; each scenario needs its own name (it names the output folder)`
          : `${shownFile}: the scenario name '${outcome.name}' gives the output folder '${folder}', already used by ${owner}; each scenario needs its own name`,
      });
      return;
    }
    owners.set(folder, shownFile);
    const entry: PoolEntry = { path: file, file: shownFile, scenario: outcome.scenario, cost: outcome.cost };
    runnable.push(entry);
    onRunnable?.(entry);
  };
  await pool.check(files.map((file) => ({ path: file, file: shown(file, cwd) })), {
    threads: onRunnable ? 1 : undefined,
    onOutcome: (index, outcome) => {
      outcomes[index] = outcome;
      decideInOrder();
    },
  });
  return { runnable, invalid };
}

/** The folders named on the command line: the scenario library, where --update-golden may write. */
function libraryRoots(paths: readonly string[], cwd: string): string[] {
  return paths.map((given) => resolve(cwd, given)).filter((path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  });
}

export async function runCommand(paths: readonly string[], options: RunOptions, io: CliIo): Promise<number> {
  if (paths.length === 0) throw new UsageError('run needs at least one scenario file or folder');
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  if (options.sink !== undefined && !options.realtime) throw new UsageError('--sink is used with --realtime only');
  if ((options.live || options.latencyMs !== undefined) && !options.realtime) throw new UsageError(`${options.live ? '--live' : '--latency-ms'} is used with --realtime only`);
  const lookaheadMs = parseInteger('--latency-ms', options.latencyMs, 5, 2000) ?? DEFAULT_LOOKAHEAD_MS;
  const jobs = parseInteger('--jobs', options.jobs, 1, 1024) ?? defaultJobCount();
  const timeoutS = parseInteger('--timeout-s', options.timeoutS, 1, 86_400) ?? DEFAULT_TIMEOUT_S;
  const sinkRequest = options.realtime ? parseSinkSpec(options.sink ?? 'auto') : null;
  const cwd = io.cwd;
  const outDir = resolve(cwd, options.out ?? 'wavert-out');
  const files = collectScenarioFiles(paths, cwd);
  if (options.goldenDir !== undefined && !options.updateGolden) throw new UsageError('--golden-dir is used with --update-golden only');
  const junitPath = options.junit === undefined ? undefined : resolve(cwd, options.junit);
  const guard = new SameFileGuard();
  for (const file of files) guard.addInput(file, 'scenario');
  guard.claimOutput(junitPath, 'JUnit report');
  // the worker threads start loading now, while this thread prepares the output folder and the profile
  const pool = new ScenarioPool({ jobs, timeoutMs: timeoutS * 1000 }, files.length);
  // a signal stops the workers and removes what their scenarios had begun to write
  const removeCleanup = onSignalExit(stopAllWorkers);
  try {
    try {
      makeFolders(outDir);
    } catch (error) {
      throw new IoError(`cannot create the output folder ${options.out ?? 'wavert-out'}: ${describeIoFailure(error)}`);
    }
    const startedMs = performance.now();
    if (options.profile !== undefined && options.updateGolden) throw new UsageError("--update-golden writes each scenario's golden WAV from its own profile; leave out --profile");
    const profile = await profileFromOption(options.profile, cwd);
    const goldenRoots = [...libraryRoots(paths, cwd), ...(options.goldenDir !== undefined ? [resolve(cwd, options.goldenDir)] : [])];
    return await runAll(files, cwd, { pool, jobs, timeoutS, sinkRequest, lookaheadMs, outDir, goldenRoots, junitPath, profile, diagnostics, startedMs }, options, io);
  } finally {
    pool.close();
    removeCleanup();
  }
}

interface RunPlan {
  pool: ScenarioPool;
  jobs: number;
  timeoutS: number;
  sinkRequest: ReturnType<typeof parseSinkSpec> | null;
  lookaheadMs: number;
  outDir: string;
  goldenRoots: string[];
  junitPath: string | undefined;
  profile: Awaited<ReturnType<typeof profileFromOption>>;
  diagnostics: Diagnostics;
  startedMs: number;
}

async function runAll(files: string[], cwd: string, plan: RunPlan, options: RunOptions, io: CliIo): Promise<number> {
  const { pool, jobs, timeoutS, sinkRequest, lookaheadMs, outDir, goldenRoots, junitPath, profile, diagnostics, startedMs } = plan;
  const runOptions = { outDir, updateGolden: options.updateGolden ?? false, goldenRoots, report: options.report ?? false, ...(profile ? { profile } : {}) };
  const ran = new Map<string, ScenarioResult>();
  // offline, each scenario runs as soon as it is known to be valid, while the rest are still being loaded
  const running: Array<Promise<void>> = [];
  const runInPool = (entry: PoolEntry): void => {
    running.push(pool.run([entry], runOptions).then(([result]) => { ran.set(entry.path, result!); }));
  };
  const { runnable, invalid } = await preflight(files, cwd, pool, sinkRequest ? undefined : runInPool);
  diagnostics.info(`${count(files.length, 'scenario')} found, ${runnable.length} valid; output in ${outDir}`);
  diagnostics.debug(sinkRequest ? 'real time: one scenario at a time' : `${count(Math.min(jobs, Math.max(1, runnable.length)), 'worker thread')}, ${timeoutS} s limit per scenario`);
  if (sinkRequest) {
    // real time: one scenario at a time on this thread, so that each can be heard
    pool.close();
    for (const entry of runnable) {
      if (!options.quiet) io.stderr.write(`wavert: playing ${entry.file} in real time\n`);
      let folder: string | null = null;
      // a signal mid-scenario removes what it had begun to write, as the pool does for its workers
      const removeCleanup = onSignalExit(() => { if (folder !== null) clearScenarioOutputs(folder, true); });
      const result = await runLoadedScenario(entry.scenario!, {
        ...runOptions,
        onFolder: (directory) => { folder = directory; },
        report: runOptions.report ? scenarioReportHook : undefined,
        realtime: {
          mode: options.live ? 'live' : 'paced',
          lookaheadMs,
          async openSink(format) {
            const opened = await openSink(sinkRequest, format, { env: io.env, latencyMs: lookaheadMs, ...(options.device !== undefined ? { device: options.device } : {}) });
            if (opened.fallbackMessage) io.stderr.write(`wavert: ${opened.fallbackMessage}\n`);
            if (opened.commandLine) diagnostics.debug(`sink ${opened.sink.label}: ${opened.commandLine.join(' ')}`);
            for (const note of opened.sink.notes) io.stderr.write(`wavert: ${note}\n`);
            return opened.sink;
          },
        },
      }, entry.file).finally(removeCleanup);
      ran.set(entry.path, result);
    }
  } else {
    await Promise.all(running);
  }
  const results = files.map((file) => invalid.get(file) ?? ran.get(file)!);
  for (const result of results) diagnostics.debug(`${result.name}: ${result.status} in ${result.wallMs.toFixed(1)} ms`);
  diagnostics.debug(`all scenarios took ${(performance.now() - startedMs).toFixed(1)} ms wall time`);
  io.stdout.write(escapeControlCharacters(formatResults(results)));
  if (profile) {
    const { explainProfileDependence, formatDependence } = await import('../profile/index.js');
    const entries = runnable.map((entry) => ({ path: entry.path, file: entry.file }));
    const failing = entries.filter((entry) => ran.get(entry.path)?.status !== 'passed').length;
    if (failing > 0) io.stderr.write(`wavert: re-running ${failing} scenario(s) with each of ${profile.name}'s choices alone, to see which ones the results depend on\n`);
    io.stdout.write(escapeControlCharacters(formatDependence(profile, await explainProfileDependence(entries, runnable.map((entry) => ran.get(entry.path)!), profile))));
  }
  if (junitPath !== undefined) {
    try {
      makeFolders(dirname(junitPath));
    } catch (error) {
      throw new IoError(`cannot create ${options.junit}: ${describeIoFailure(error)}`);
    }
    writeFileAtomic(junitPath, junitXml(results), { label: options.junit });
  }
  return runExitCode(results);
}

/** 4 when a scenario crashed or timed out, else 2 when one is invalid, else 1 when an expectation failed. */
export function runExitCode(results: readonly ScenarioResult[]): number {
  if (results.some((result) => result.status === 'error')) return EXIT_RUN_CRASHED;
  if (results.some((result) => result.status === 'invalid')) return EXIT_BAD_INPUT;
  if (results.some((result) => result.status === 'failed')) return EXIT_EXPECTATION_FAILED;
  return EXIT_OK;
}

const LABELS: Record<ScenarioResult['status'], string> = { passed: 'PASS', failed: 'FAIL', invalid: 'INVALID', error: 'ERROR' };

/** The details of every scenario that did not pass, then one table row per scenario, then the totals. */
export function formatResults(results: readonly ScenarioResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    if (result.status === 'passed') continue;
    lines.push(`${LABELS[result.status]} ${result.name} (${result.file})`);
    const details = result.status === 'failed' ? failureLines(result) : (result.message ?? '').split('\n');
    for (const detail of details) lines.push(`  ${detail}`);
    lines.push('');
  }
  const rows = results.map((result) => {
    const held = result.expectations.filter((expectation) => expectation.held).length;
    const brief = result.brief;
    const failedStatuses = brief
      ? Object.entries(brief.statuses).filter(([name]) => name !== 'STATUS_SUCCESS').map(([name, count]) => `${name.replace(/^STATUS_/, '')} ${count}`).join(', ')
      : '';
    return [
      result.name,
      LABELS[result.status],
      brief ? `${held}/${result.expectations.length}` : '–',
      brief ? `${brief.underrunEvents} / ${brief.underrunFrames}` : '–',
      brief ? (Object.entries(brief.glitchCounts).map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none') : '–',
      failedStatuses || (brief ? '–' : ''),
      `${Math.round(result.wallMs)} ms`,
    ];
  });
  const header = ['scenario', 'result', 'expectations', 'underruns (events / frames)', 'glitches', 'non-success statuses', 'time'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  lines.push(format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format));
  const tally = (status: ScenarioResult['status']): number => results.filter((result) => result.status === status).length;
  lines.push('', `${count(results.length, 'scenario')}: ${tally('passed')} passed, ${tally('failed')} failed, ${tally('invalid')} invalid, ${count(tally('error'), 'error')}`, '');
  return lines.join('\n');
}
