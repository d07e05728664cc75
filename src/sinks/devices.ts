// The devices behind each sink back-end, as the system's own tools list them: pulse sinks (`pactl`), PipeWire
// targets (`pw-cat --list-targets`), ALSA PCMs (`aplay -L`). Each lister runs a real process with an argument array.
import { execFile } from 'node:child_process';
import type { SinkKind } from './types.js';

export interface SinkDevice {
  /** What `--device` takes. */
  name: string;
  description: string;
  /** The back-end's default device (what plays when --device is not given). */
  isDefault: boolean;
}

export interface DeviceListing {
  kind: SinkKind;
  /** The command that listed them, e.g. "pactl list short sinks". */
  source: string;
  devices: SinkDevice[];
  /** Why the list could not be read (tool missing, no server), undefined when it was. */
  problem: string | undefined;
}

const LIST_TIMEOUT_MS = 5000;

interface ToolOutput {
  stdout: string;
  problem: string | undefined;
}

function runTool(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ToolOutput> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: LIST_TIMEOUT_MS, maxBuffer: 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ stdout, problem: undefined });
        return;
      }
      const errno = error as NodeJS.ErrnoException & { killed?: boolean };
      if (errno.code === 'ENOENT') resolve({ stdout: '', problem: `${command} is not installed (not found on PATH)` });
      else if (errno.killed) resolve({ stdout: '', problem: `${command} did not answer within ${LIST_TIMEOUT_MS} ms` });
      else {
        const said = stderr.trim().split('\n').filter((line) => line.trim() !== '').pop();
        resolve({ stdout, problem: `${[command, ...args].join(' ')} failed${said ? `: ${said.trim()}` : ''}` });
      }
    });
  });
}

/** `pactl list short sinks`: index, name, driver, sample spec, state — tab separated. */
export function parsePulseSinks(listing: string, defaultSink: string | undefined): SinkDevice[] {
  return listing.split('\n').map((line) => line.split('\t')).filter((fields) => fields.length >= 2 && fields[1]!.trim() !== '').map((fields) => ({
    name: fields[1]!.trim(),
    description: [fields[3], fields[4], fields[2]].filter((field) => field !== undefined && field.trim() !== '').map((field) => field!.trim()).join(', '),
    isDefault: fields[1]!.trim() === defaultSink,
  }));
}

/** `pactl info`'s "Default Sink: name" line. */
export function parsePulseDefaultSink(info: string): string | undefined {
  return /^Default Sink:\s*(\S+)/m.exec(info)?.[1];
}

/** `aplay -L`: a PCM name at the start of a line, its description indented below it. */
export function parseAlsaPcms(listing: string): SinkDevice[] {
  const devices: SinkDevice[] = [];
  for (const line of listing.split('\n')) {
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) devices.push({ name: line.trim(), description: '', isDefault: line.trim() === 'default' });
    else if (devices.length > 0) {
      const last = devices[devices.length - 1]!;
      last.description = last.description === '' ? line.trim() : `${last.description}; ${line.trim()}`;
    }
  }
  return devices;
}

/** `pw-cat --list-targets`: `[*]\t<id>: name="…" description="…" prio=…`, the `*` marking the default. */
export function parsePipewireTargets(listing: string): SinkDevice[] {
  const devices: SinkDevice[] = [];
  for (const line of listing.split('\n')) {
    const match = /^\s*(\*)?\s*(\d+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const fields = new Map([...match[3]!.matchAll(/(\w+)="([^"]*)"/g)].map((field) => [field[1]!, field[2]!]));
    devices.push({ name: fields.get('name') ?? match[2]!, description: fields.get('description') ?? '', isDefault: match[1] === '*' });
  }
  return devices;
}

export async function listPulseSinks(env: NodeJS.ProcessEnv): Promise<DeviceListing> {
  const source = 'pactl list short sinks';
  const [sinks, info] = await Promise.all([runTool('pactl', ['list', 'short', 'sinks'], env), runTool('pactl', ['info'], env)]);
  if (sinks.problem !== undefined) return { kind: 'pulse', source, devices: [], problem: sinks.problem };
  return { kind: 'pulse', source, devices: parsePulseSinks(sinks.stdout, parsePulseDefaultSink(info.stdout)), problem: undefined };
}

export async function listPipewireTargets(env: NodeJS.ProcessEnv): Promise<DeviceListing> {
  const source = 'pw-cat --playback --list-targets';
  const targets = await runTool('pw-cat', ['--playback', '--list-targets'], env);
  if (targets.problem !== undefined) return { kind: 'pipewire', source, devices: [], problem: targets.problem };
  return { kind: 'pipewire', source, devices: parsePipewireTargets(targets.stdout), problem: undefined };
}

export async function listAlsaPcms(kind: 'alsa' | 'speaker', env: NodeJS.ProcessEnv): Promise<DeviceListing> {
  const source = 'aplay -L';
  const pcms = await runTool('aplay', ['-L'], env);
  if (pcms.problem !== undefined) return { kind, source, devices: [], problem: pcms.problem };
  const devices = parseAlsaPcms(pcms.stdout);
  // ALSA always has a default PCM, even when aplay -L does not list it (no ~/.asoundrc, no card)
  if (!devices.some((device) => device.name === 'default')) devices.unshift({ name: 'default', description: "ALSA's default PCM", isDefault: true });
  return { kind, source, devices, problem: undefined };
}

/** The devices of one back-end; file and null have none. */
export function listDevices(kind: SinkKind, env: NodeJS.ProcessEnv): Promise<DeviceListing> {
  switch (kind) {
    case 'pulse': return listPulseSinks(env);
    case 'pipewire': return listPipewireTargets(env);
    case 'alsa':
    case 'speaker': return listAlsaPcms(kind, env);
    default: return Promise.resolve({ kind, source: '', devices: [], problem: undefined });
  }
}
