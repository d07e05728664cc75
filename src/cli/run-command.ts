import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError, WavertError } from '../errors.js';
import {
  defaultJobCount, failureLines, junitXml, loadScenario, runInPool, runScenarioFile, scenarioNameFromFile,
  type ScenarioResult,
} from '../scenario/index.js';
import { scenarioReportHook } from '../report/scenario-report.js';
import { openSink, parseSinkSpec } from '../sinks/index.js';
import { DEFAULT_LOOKAHEAD_MS } from '../player/index.js';
import { EXIT_BAD_INPUT, EXIT_EXPECTATION_FAILED, EXIT_OK } from './exit-codes.js';
import { DEFAULT_TIMEOUT_S } from './run.js';
import type { CliIo } from './io.js';
import { parseInteger, profileFromOption } from './options.js';

export interface RunOptions {
  out?: string;
  realtime?: boolean;
  live?: boolean;
  latencyMs?: string;
  sink?: string;
  device?: string;
  updateGolden?: boolean;
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

/** Loads every scenario up front: invalid ones are reported without running, and names must be unique (they name output folders). */
function preflight(files: readonly string[], cwd: string): { runnable: string[]; invalid: Map<string, ScenarioResult> } {
  const invalid = new Map<string, ScenarioResult>();
  const runnable: string[] = [];
  const owners = new Map<string, string>();
  for (const file of files) {
    const shownFile = shown(file, cwd);
    const invalidResult = (name: string, message: string): ScenarioResult => ({
      name, file: shownFile, status: 'invalid', message, expectations: [], outputDir: null, wallMs: 0, brief: null,
    });
    try {
      const scenario = loadScenario(file, shownFile);
      const owner = owners.get(scenario.name);
      if (owner !== undefined) {
        invalid.set(file, invalidResult(scenario.name, `${shownFile}: the scenario name '${scenario.name}' is already used by ${owner}; each scenario needs its own name (it names the output folder)`));
        continue;
      }
      owners.set(scenario.name, shownFile);
      runnable.push(file);
    } catch (error) {
      if (!(error instanceof WavertError)) throw error;
      invalid.set(file, invalidResult(scenarioNameFromFile(file), error.message));
    }
  }
  return { runnable, invalid };
}

export async function runCommand(paths: readonly string[], options: RunOptions, io: CliIo): Promise<number> {
  if (paths.length === 0) throw new UsageError('run needs at least one scenario file or folder');
  if (options.sink !== undefined && !options.realtime) throw new UsageError('--sink is used with --realtime only');
  if ((options.live || options.latencyMs !== undefined) && !options.realtime) throw new UsageError(`${options.live ? '--live' : '--latency-ms'} is used with --realtime only`);
  const lookaheadMs = parseInteger('--latency-ms', options.latencyMs, 5, 2000) ?? DEFAULT_LOOKAHEAD_MS;
  const jobs = parseInteger('--jobs', options.jobs, 1, 1024) ?? defaultJobCount();
  const timeoutS = parseInteger('--timeout-s', options.timeoutS, 1, 86_400) ?? DEFAULT_TIMEOUT_S;
  const sinkRequest = options.realtime ? parseSinkSpec(options.sink ?? 'auto') : null;
  const cwd = io.cwd;
  const outDir = resolve(cwd, options.out ?? 'wavert-out');
  const files = collectScenarioFiles(paths, cwd);
  const { runnable, invalid } = preflight(files, cwd);
  if (options.profile !== undefined && options.updateGolden) throw new UsageError("--update-golden writes each scenario's golden WAV from its own profile; leave out --profile");
  const profile = await profileFromOption(options.profile, cwd);
  const runOptions = { outDir, updateGolden: options.updateGolden ?? false, report: options.report ?? false, ...(profile ? { profile } : {}) };
  const ran = new Map<string, ScenarioResult>();
  if (sinkRequest) {
    // real time: one scenario at a time, so that each can be heard
    for (const file of runnable) {
      io.stderr.write(`wavert: playing ${shown(file, cwd)} in real time\n`);
      const result = await runScenarioFile(file, {
        ...runOptions,
        report: runOptions.report ? scenarioReportHook : undefined,
        realtime: {
          mode: options.live ? 'live' : 'paced',
          lookaheadMs,
          async openSink(format) {
            const opened = await openSink(sinkRequest, format, { env: io.env, latencyMs: lookaheadMs, ...(options.device !== undefined ? { device: options.device } : {}) });
            if (opened.fallbackMessage) io.stderr.write(`wavert: ${opened.fallbackMessage}\n`);
            for (const note of opened.sink.notes) io.stderr.write(`wavert: ${note}\n`);
            return opened.sink;
          },
        },
      }, shown(file, cwd));
      ran.set(file, result);
    }
  } else {
    const results = await runInPool(runnable.map((file) => ({ path: file, file: shown(file, cwd) })), runOptions, { jobs, timeoutMs: timeoutS * 1000 });
    runnable.forEach((file, index) => ran.set(file, results[index]!));
  }
  const results = files.map((file) => invalid.get(file) ?? ran.get(file)!);
  io.stdout.write(formatResults(results));
  if (profile) {
    const { explainProfileDependence, formatDependence } = await import('../profile/index.js');
    const entries = runnable.map((file) => ({ path: file, file: shown(file, cwd) }));
    const failing = entries.filter((entry) => ran.get(entry.path)?.status !== 'passed').length;
    if (failing > 0) io.stderr.write(`wavert: re-running ${failing} scenario(s) with each of ${profile.name}'s choices alone, to see which ones the results depend on\n`);
    io.stdout.write(formatDependence(profile, await explainProfileDependence(entries, runnable.map((file) => ran.get(file)!), profile)));
  }
  if (options.junit !== undefined) {
    const junitPath = resolve(cwd, options.junit);
    mkdirSync(dirname(junitPath), { recursive: true });
    writeFileSync(junitPath, junitXml(results));
  }
  if (results.some((result) => result.status === 'invalid')) return EXIT_BAD_INPUT;
  if (results.some((result) => result.status !== 'passed')) return EXIT_EXPECTATION_FAILED;
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
  const count = (status: ScenarioResult['status']): number => results.filter((result) => result.status === status).length;
  lines.push('', `${results.length} scenario(s): ${count('passed')} passed, ${count('failed')} failed, ${count('invalid')} invalid, ${count('error')} error(s)`, '');
  return lines.join('\n');
}
