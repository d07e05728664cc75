// What `wavert devices` shows: every sink back-end, whether it works here, its devices, and what `auto` would pick.
import type { WavFormat } from '../wav/index.js';
import { didYouMean } from '../text/suggest.js';
import { listDevices, type SinkDevice } from './devices.js';
import { probeSink } from './open.js';
import { AUTO_SINK_ORDER, type SinkKind, type SinkOpenOptions } from './types.js';

export interface BackendSurvey {
  kind: SinkKind;
  usable: boolean;
  /** Why it does not work here (undefined when it does). */
  reason: string | undefined;
  /** What would play, when it works. */
  detail: string | undefined;
  /** The command that listed the devices ("" for file and null). */
  devicesFrom: string;
  devices: SinkDevice[];
  /** Why the devices could not be listed. */
  devicesProblem: string | undefined;
}

export interface AutoChoice {
  kind: SinkKind;
  /** The device it would open: --device, else the back-end's default (null when it has none). */
  device: string | null;
  /** One sentence: why this one. */
  why: string;
  passedOver: Array<{ kind: SinkKind; reason: string }>;
}

export interface DeviceSurvey {
  backends: BackendSurvey[];
  auto: AutoChoice;
}

const ALL_KINDS: readonly SinkKind[] = [...AUTO_SINK_ORDER, 'file', 'null'];

/** Probes every back-end (each in its own process, in parallel) and lists its devices. */
export async function surveyDevices(format: WavFormat, options: SinkOpenOptions = {}): Promise<DeviceSurvey> {
  const env = options.env ?? process.env;
  const backends = await Promise.all(ALL_KINDS.map(async (kind): Promise<BackendSurvey> => {
    const [probe, listing] = await Promise.all([probeSink(kind, format, options), listDevices(kind, env)]);
    return {
      kind, usable: probe.usable, reason: probe.reason, detail: probe.detail,
      devicesFrom: listing.source, devices: listing.devices, devicesProblem: listing.problem,
    };
  }));
  return { backends, auto: autoChoice(backends, options.device) };
}

function autoChoice(backends: readonly BackendSurvey[], device: string | undefined): AutoChoice {
  const passedOver: AutoChoice['passedOver'] = [];
  for (const kind of AUTO_SINK_ORDER) {
    const backend = backends.find((candidate) => candidate.kind === kind)!;
    if (!backend.usable) {
      passedOver.push({ kind, reason: backend.reason ?? 'it does not work here' });
      continue;
    }
    const chosenDevice = device ?? backend.devices.find((candidate) => candidate.isDefault)?.name ?? null;
    const order = AUTO_SINK_ORDER.join(', ');
    const why = passedOver.length === 0
      ? `${kind} is the first of ${order} and it works here`
      : `${kind} is the first of ${order} that works here`;
    return { kind, device: chosenDevice, why, passedOver };
  }
  return { kind: 'null', device: null, why: 'no audio output works here, so nothing would be heard (the null sink keeps real time)', passedOver };
}

/** Whether `--device name` names a device the back-end listed; pulse also takes an index and @DEFAULT_SINK@. */
export function deviceIsListed(backend: Pick<BackendSurvey, 'kind' | 'devices'>, name: string): boolean {
  if (backend.devices.some((device) => device.name === name)) return true;
  if (backend.kind === 'pulse') return /^\d+$/.test(name) || name.startsWith('@');
  if (backend.kind === 'pipewire') return /^\d+$/.test(name);
  return false;
}

/**
 * Why `--device name` cannot be right for this back-end ("… is not a pulse sink here; there are: a, b"), or
 * undefined when it is listed or the list cannot be read (then the player itself will say). ALSA takes PCM
 * strings (hw:0,0, plughw:…) that aplay -L does not list, so only pulse and PipeWire names are checked.
 */
export async function unknownDeviceReason(kind: SinkKind, name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (kind !== 'pulse' && kind !== 'pipewire') return undefined;
  const listing = await listDevices(kind, env);
  if (listing.problem !== undefined || deviceIsListed({ kind, devices: listing.devices }, name)) return undefined;
  const names = listing.devices.map((device) => device.name);
  const what = kind === 'pulse' ? 'pulse sink' : 'PipeWire target';
  return `--device '${name}' is not a ${what} here${didYouMean(name, names)}; ${names.length > 0 ? `${listing.source} lists: ${names.join(', ')}` : `${listing.source} lists none`}`;
}

/** Every device name `--device` takes here (pulse sinks, PipeWire targets, ALSA PCMs), once each, without probing. */
export async function listDeviceNames(env: NodeJS.ProcessEnv): Promise<string[]> {
  const listings = await Promise.all((['pulse', 'pipewire', 'alsa'] as const).map((kind) => listDevices(kind, env)));
  return [...new Set(listings.flatMap((listing) => listing.devices.map((device) => device.name)))];
}
