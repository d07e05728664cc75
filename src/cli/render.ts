import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { formatSummary } from '../report/summary.js';
import { renderFile } from '../render/render-file.js';
import type { CommandRegistration } from './commands.js';
import { Diagnostics } from './diagnostics.js';
import type { CliIo } from './io.js';
import {
  addClientTransportOptions, addModelOptions, addRunOutputOptions, clientTransportFromOptions, LOG_LEVELS, parseChoice, streamConfigFromOptions,
  type ClientTransportOptionValues, type LogLevel, type ModelOptionValues,
} from './options.js';

export interface RenderOptions extends ModelOptionValues, ClientTransportOptionValues {
  output?: string;
  trace?: string;
  report?: string;
  json?: boolean;
  logLevel?: string;
}

export async function renderCommand(inputPath: string, options: RenderOptions, io: CliIo): Promise<number> {
  const diagnostics = new Diagnostics(io, parseChoice<LogLevel>('--log-level', options.logLevel, LOG_LEVELS));
  const stream = await streamConfigFromOptions(options, io.cwd);
  const pipeline = clientTransportFromOptions(options);
  const outputPath = options.output;
  if (!outputPath) throw new UsageError('render needs an output file: -o <out.wav> (or -o - for stdout)');
  if (outputPath === '-' && options.json) throw new UsageError('--json and -o - both write to stdout; choose one');
  if (outputPath !== '-' && inputPath !== '-' && existsSync(outputPath) && sameFile(inputPath, outputPath)) {
    throw new UsageError(`the output ${outputPath} is the input file; choose another output`);
  }
  // the report's module (and its drawing) loads only when a report is asked for
  const report = options.report === undefined ? null : (await import('../report/run-report.js')).RunReport.plan(options.report, options.trace);
  const { summary, warnings } = renderFile(inputPath, outputPath, stream, report?.tracePath ?? options.trace, pipeline);
  for (const warning of warnings) diagnostics.warn(warning);
  if (summary.stream.notificationCountExtension) {
    diagnostics.warn(`${summary.stream.notifications} notifications per buffer is a model extension: the Windows docs allow 1 or 2`);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    (outputPath === '-' ? io.stderr : io.stdout).write(formatSummary(summary));
  }
  await report?.write(outputPath === '-' ? undefined : outputPath, summary);
  return 0;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(resolve(a)) === realpathSync(resolve(b));
  } catch {
    return false;
  }
}

export const registerRender: CommandRegistration = (program: Command, io, setExitCode) => {
  const command = program
    .command('render')
    .description('run the model on the virtual clock (as fast as possible) and write exactly what the device played')
    .argument('<in.wav>', "input WAV file ('-' for stdin)")
    .requiredOption('-o, --output <out.wav>', "output WAV file ('-' for stdout)");
  addRunOutputOptions(addClientTransportOptions(addModelOptions(command)))
    .action(async (input: string, options: RenderOptions) => {
      setExitCode(await renderCommand(input, options, io));
    });
};
