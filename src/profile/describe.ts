// What `wavert profiles` shows: each profile's choices side by side, and what each choice means.
import { choiceDefinitions, type DriverProfile } from './builtins.js';

function valueText(value: string | boolean): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : value;
}

/** The profiles as columns, one row per choice; then each choice with what the docs and the reference say. */
export function formatProfiles(profiles: readonly DriverProfile[]): string {
  const lines: string[] = [];
  for (const profile of profiles) {
    const origin = profile.file ? ` (${profile.file}, extends ${profile.extends})` : '';
    lines.push(`${profile.name}${origin}: ${profile.description}`);
  }
  lines.push('');
  const header = ['choice', ...profiles.map((profile) => profile.name)];
  const rows = choiceDefinitions.map((definition) => [definition.name, ...profiles.map((profile) => valueText(profile.choices[definition.name]))]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]): string => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  lines.push(format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format), '');
  for (const definition of choiceDefinitions) {
    const values = definition.values === 'boolean' ? 'true | false' : definition.values.join(' | ');
    lines.push(`${definition.name} (${values}): ${definition.summary}`);
    lines.push(`  doc:    ${definition.doc}`);
    lines.push(`  sysvad: ${definition.reference}`);
  }
  lines.push('', 'A profile file (YAML or JSON, schema/profile.schema.json) extends a built-in and overrides choices:');
  lines.push('  extends: doc', '  runWindow: next-only', 'Use it with --profile FILE (render, play, run) or stream.profile in a scenario.', '');
  return lines.join('\n');
}

/** The same as JSON: the profiles with their choices, and the table of choices. */
export function profilesJson(profiles: readonly DriverProfile[]): Record<string, unknown> {
  return {
    profiles: profiles.map((profile) => ({
      name: profile.name, description: profile.description, extends: profile.extends, file: profile.file, choices: { ...profile.choices },
    })),
    choices: choiceDefinitions.map((definition) => ({ ...definition, values: definition.values === 'boolean' ? [true, false] : [...definition.values] })),
  };
}
