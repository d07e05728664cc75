import type { Command } from 'commander';
import type { CommandRegistration } from './commands.js';
import { addExamples } from './examples.js';
import { addVerbosityOptions } from './options.js';
import type { RunOptions } from './run-command.js';

// Declares `wavert run`; the scenario machinery (and its YAML parser) loads only when the command runs.

export const DEFAULT_TIMEOUT_S = 120;

export const registerRun: CommandRegistration = (program: Command, io, setExitCode) => {
  const command = program
    .command('run')
    .description('run scripted scenarios (YAML or JSON) deterministically and check their expectations; exit 0 when all hold, 1 when any fails, 2 when a scenario is invalid, 4 when one crashed or timed out')
    .argument('<scenario...>', 'scenario files or folders of them')
    .option('--out <dir>', 'output folder: <dir>/<scenario>/ gets rendered.wav, trace.ndjson, summary.json (default ./wavert-out)')
    .option('--realtime', 'play each scenario in real time to a sink, one at a time, so the glitch can be heard (paced by the sink: heard exactly as rendered)')
    .option('--live', "with --realtime: the client wakes on the host's event loop (host lateness can add host-late glitches)")
    .option('--latency-ms <ms>', 'with --realtime: how far the model may run ahead of what is heard (default 500)')
    .option('--sink <spec>', 'with --realtime: auto, speaker, pulse, pipewire, alsa, null or file:PATH (default auto)')
    .option('--device <name>', 'with --realtime: the sink device')
    .option('--update-golden', "write or refresh each scenario's golden WAV from this run (only next to the scenario or inside a folder named here)")
    .option('--golden-dir <dir>', 'with --update-golden: also allow golden WAVs inside this folder')
    .option('--junit <file>', 'write JUnit XML for CI systems')
    .option('--report', "draw each scenario's timeline.svg and report.html in its output folder")
    .option('--jobs <n>', 'scenarios run in parallel on worker threads (default: the number of cores)')
    .option('--timeout-s <seconds>', `wall-clock limit per scenario (default ${DEFAULT_TIMEOUT_S})`)
    .option('--profile <name|file>', "run every scenario against this driver profile instead of its own, and show which choices the expectations that no longer hold depend on");
  addExamples(addVerbosityOptions(command, "no 'playing …' lines with --realtime"), [
    { commandLine: 'run fixtures/scenarios', what: 'run the whole scenario library in parallel; exit 1 if an expectation fails' },
    { commandLine: 'run fixtures/scenarios --out out --junit out/junit.xml --report', what: 'for CI: JUnit XML, and a timeline and HTML report per scenario' },
    { commandLine: 'run fixtures/scenarios --profile sysvad', what: "the library against the reference driver's choices" },
  ])
    .action(async (paths: string[], options: RunOptions) => {
      const { runCommand } = await import('./run-command.js');
      setExitCode(await runCommand(paths, options, io));
    });
};
