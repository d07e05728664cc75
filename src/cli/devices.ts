// `wavert devices` (alias `sinks`): every sink back-end, whether it works here, its devices, and what auto picks.
import type { Command } from 'commander';
import { listDeviceNames, surveyDevices, type BackendSurvey, type DeviceSurvey } from '../sinks/index.js';
import { pcmFormat } from '../wav/index.js';
import type { CliIo } from './io.js';
import type { SetExitCode } from './commands.js';
import { Diagnostics } from './diagnostics.js';
import { addExamples } from './examples.js';
import { addVerbosityOptions, logLevelFromOptions, type VerbosityOptionValues } from './verbosity.js';

export interface DevicesOptions extends VerbosityOptionValues {
  device?: string;
  json?: boolean;
  names?: boolean;
}

function deviceLines(backend: BackendSurvey, all: readonly BackendSurvey[]): string[] {
  if (backend.kind === 'file') return ['    device: the path in --sink file:PATH'];
  if (backend.kind === 'null') return [];
  if (backend.devicesProblem !== undefined) return [`    devices: cannot list them: ${backend.devicesProblem}`];
  const alsa = all.find((candidate) => candidate.kind === 'alsa');
  if (backend.kind === 'speaker' && alsa !== undefined && alsa.devicesProblem === undefined) return ['    devices: the ALSA PCMs listed under alsa'];
  if (backend.devices.length === 0) return [`    devices: none listed by ${backend.devicesFrom}`];
  const width = Math.max(...backend.devices.map((device) => device.name.length)) + 2;
  return [
    `    devices (${backend.devicesFrom}):`,
    ...backend.devices.map((device) => `      ${`${device.name}${device.isDefault ? ' *' : ''}`.padEnd(width)}  ${device.description}`.trimEnd()),
  ];
}

export function formatDeviceSurvey(survey: DeviceSurvey): string {
  const kindWidth = Math.max(8, ...survey.backends.map((backend) => backend.kind.length));
  const lines = [`${'back-end'.padEnd(kindWidth)}  works  details`];
  for (const backend of survey.backends) {
    lines.push(`${backend.kind.padEnd(kindWidth)}  ${(backend.usable ? 'yes' : 'no').padEnd(5)}  ${backend.usable ? backend.detail ?? '' : backend.reason ?? ''}`);
    lines.push(...deviceLines(backend, survey.backends));
  }
  const auto = survey.auto;
  lines.push('', `--sink auto would play to: ${auto.kind}${auto.device !== null ? ` on ${auto.device}` : ''}: ${auto.why}`);
  for (const passed of auto.passedOver) lines.push(`  passed over ${passed.kind}: ${passed.reason}`);
  lines.push('(* marks the default device of a back-end; --device takes the names listed)');
  return `${lines.join('\n')}\n`;
}

/** `sinks --json` keeps the shape it had before `devices`: the array of back-ends (now with their devices). */
export async function devicesCommand(options: DevicesOptions, io: CliIo, shape: 'devices' | 'sinks' = 'devices'): Promise<number> {
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  if (options.names) {
    // for shell completion: the names alone, quickly (no back-end is probed)
    const names = await listDeviceNames(io.env);
    io.stdout.write(names.length > 0 ? `${names.join('\n')}\n` : '');
    return 0;
  }
  const format = pcmFormat({ channels: 2, sampleRate: 48_000, bitsPerSample: 16 });
  const startedMs = performance.now();
  const survey = await surveyDevices(format, { env: io.env, ...(options.device !== undefined ? { device: options.device } : {}) });
  diagnostics.debug(`probed ${survey.backends.length} back-ends with ${format.channels} ch ${format.sampleRate} Hz s16le in ${(performance.now() - startedMs).toFixed(0)} ms`);
  const json = shape === 'sinks' ? survey.backends : survey;
  io.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : formatDeviceSurvey(survey));
  return 0;
}

export function registerDevices(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  const command = program
    .command('devices')
    .description('list every sink back-end (speaker, pulse, pipewire, alsa, file, null), whether it works here and why not, its devices, and which one --sink auto would use')
    .option('--device <name>', 'probe this device on the back-ends that have devices')
    .option('--json', 'print the back-ends, their devices and the auto choice as JSON')
    .option('--names', 'print only the device names --device takes, one a line, without probing (for shell completion)');
  addExamples(addVerbosityOptions(command, 'nothing more (devices prints only its table)'), [
    { commandLine: 'devices', what: 'what can play here, each device by name, and what auto would pick' },
    { commandLine: 'devices --json | jq .auto', what: 'the auto choice and why, for scripts' },
    { commandLine: 'devices --device my_sink', what: 'probe one device on every back-end that has devices' },
  ])
    .action(async (options: DevicesOptions) => {
      setExitCode(await devicesCommand(options, io));
    });
}

/** `wavert sinks`, the name `devices` had before it listed devices: the same table; --json the array of back-ends. */
export function registerSinks(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  const command = program
    .command('sinks')
    .description('the same table as devices; --json prints the array of back-ends, as before devices existed (devices --json adds the auto choice)')
    .option('--device <name>', 'probe this device on the back-ends that have devices')
    .option('--json', 'print the back-ends (each with its devices) as a JSON array');
  addExamples(addVerbosityOptions(command, 'nothing more (sinks prints only its table)'), [
    { commandLine: 'sinks', what: 'what can play here, as devices shows it' },
    { commandLine: "sinks --json | jq '.[] | select(.usable) | .kind'", what: 'the back-ends that work here, for scripts' },
  ])
    .action(async (options: DevicesOptions) => {
      setExitCode(await devicesCommand(options, io, 'sinks'));
    });
}
