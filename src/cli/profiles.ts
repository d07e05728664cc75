// `wavert profiles`: the built-in driver profiles (and any profile files named), their choices side by side.
import type { Command } from 'commander';
import { builtinProfiles } from '../engine/index.js';
import { count } from '../text/count.js';
import type { SetExitCode } from './commands.js';
import type { CliIo } from './io.js';
import { Diagnostics } from './diagnostics.js';
import { addExamples } from './examples.js';
import { addVerbosityOptions, logLevelFromOptions, type VerbosityOptionValues } from './verbosity.js';

export interface ProfilesOptions extends VerbosityOptionValues {
  json?: boolean;
}

export async function profilesCommand(files: readonly string[], options: ProfilesOptions, io: CliIo): Promise<number> {
  const diagnostics = new Diagnostics(io, logLevelFromOptions(options));
  const { formatProfiles, profilesJson, resolveProfileReference } = await import('../profile/index.js');
  const named = files.map((file) => resolveProfileReference(file, io.cwd, () => file));
  const profiles = [...builtinProfiles, ...named.filter((profile) => !builtinProfiles.includes(profile))];
  diagnostics.debug(`${count(builtinProfiles.length, 'built-in profile')}, ${count(named.length, 'profile file')} checked`);
  io.stdout.write(options.json ? `${JSON.stringify(profilesJson(profiles), null, 2)}\n` : formatProfiles(profiles));
  return 0;
}

export function registerProfiles(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  const command = program
    .command('profiles')
    .description("list the driver profiles (doc, sysvad) and their choices, with what the Windows docs say and what the reference driver does; name profile files to check them and add them to the table")
    .argument('[profile...]', 'profile files (YAML or JSON) to validate and show beside the built-ins')
    .option('--json', 'print the profiles and the table of choices as JSON');
  addExamples(addVerbosityOptions(command, 'nothing more (profiles prints only its table)'), [
    { commandLine: 'profiles', what: 'every choice of the built-in profiles side by side, with what the docs and the reference driver do' },
    { commandLine: 'profiles my-driver.yaml', what: "check a profile file and show it beside the built-ins" },
    { commandLine: 'profiles --json | jq .profiles', what: 'the profiles as JSON, for scripts' },
  ])
    .action(async (files: string[], options: ProfilesOptions) => {
      setExitCode(await profilesCommand(files, options, io));
    });
}
