// `wavert profiles`: the built-in driver profiles (and any profile files named), their choices side by side.
import type { Command } from 'commander';
import { builtinProfiles } from '../engine/index.js';
import type { SetExitCode } from './commands.js';
import type { CliIo } from './io.js';

export interface ProfilesOptions {
  json?: boolean;
}

export async function profilesCommand(files: readonly string[], options: ProfilesOptions, io: CliIo): Promise<number> {
  const { formatProfiles, profilesJson, resolveProfileReference } = await import('../profile/index.js');
  const named = files.map((file) => resolveProfileReference(file, io.cwd, () => file));
  const profiles = [...builtinProfiles, ...named.filter((profile) => !builtinProfiles.includes(profile))];
  io.stdout.write(options.json ? `${JSON.stringify(profilesJson(profiles), null, 2)}\n` : formatProfiles(profiles));
  return 0;
}

export function registerProfiles(program: Command, io: CliIo, setExitCode: SetExitCode): void {
  program
    .command('profiles')
    .description("list the driver profiles (doc, sysvad) and their choices, with what the Windows docs say and what the reference driver does; name profile files to check them and add them to the table")
    .argument('[profile...]', 'profile files (YAML or JSON) to validate and show beside the built-ins')
    .option('--json', 'print the profiles and the table of choices as JSON')
    .action(async (files: string[], options: ProfilesOptions) => {
      setExitCode(await profilesCommand(files, options, io));
    });
}
