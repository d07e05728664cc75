// `wavert sinks`: every sink, whether it works here, and why not.
import type { Command } from 'commander';
import { probeAllSinks, AUTO_SINK_ORDER, type SinkProbe } from '../sinks/index.js';
import { pcmFormat } from '../wav/index.js';
import type { CliIo } from './io.js';
import type { SetExitCode } from './commands.js';

export interface SinksOptions {
  device?: string;
  json?: boolean;
}

export function formatSinkTable(probes: SinkProbe[]): string {
  const rows = probes.map((probe) => [probe.kind, probe.usable ? 'yes' : 'no', probe.usable ? probe.detail ?? '' : probe.reason ?? '']);
  const kindWidth = Math.max(4, ...rows.map((row) => row[0]!.length));
  const lines = [`${'sink'.padEnd(kindWidth)}  works  details`];
  for (const [kind, works, details] of rows) lines.push(`${kind!.padEnd(kindWidth)}  ${works!.padEnd(5)}  ${details}`);
  const chosen = AUTO_SINK_ORDER.find((kind) => probes.some((probe) => probe.kind === kind && probe.usable));
  lines.push(chosen !== undefined ? `--sink auto would play to: ${chosen}` : '--sink auto would play to: null (nothing would be heard)');
  return `${lines.join('\n')}\n`;
}

export async function sinksCommand(options: SinksOptions, io: CliIo): Promise<number> {
  const format = pcmFormat({ channels: 2, sampleRate: 48_000, bitsPerSample: 16 });
  const probes = await probeAllSinks(format, { env: io.env, ...(options.device !== undefined ? { device: options.device } : {}) });
  io.stdout.write(options.json ? `${JSON.stringify(probes, null, 2)}\n` : formatSinkTable(probes));
  return 0;
}

export function registerSinks(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  program
    .command('sinks')
    .description('list every sink (speaker, pulse, pipewire, alsa, file, null), whether it works here, and why not')
    .option('--device <name>', 'probe this device on the sinks that have devices')
    .option('--json', 'print the probes as JSON')
    .action(async (options: SinksOptions) => {
      setExitCode(await sinksCommand(options, io));
    });
}
