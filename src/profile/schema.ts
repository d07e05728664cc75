// A profile file's fields: its name, the built-in it extends, and any of the choices (engine/profile.ts).
// The same table validates files (file:line:col, closest-name suggestions) and is published as
// schema/profile.schema.json.
import { builtinProfileNames, choiceDefinitions, docProfile, type ChoiceDefinition } from '../engine/index.js';
import { boolean, choice, toJsonSchema, type FieldSpec, type ObjectSpec } from '../scenario/spec.js';

function choiceField(definition: ChoiceDefinition): FieldSpec {
  const text = `${definition.summary}. doc: ${definition.doc}. sysvad: ${definition.reference}`;
  return definition.values === 'boolean' ? boolean(text) : choice(definition.values, text);
}

export const profileSpec: ObjectSpec = {
  kind: 'object',
  description: 'A wavert driver profile: a built-in to start from and the choices where this driver differs (wavert render/play/run --profile FILE).',
  fields: {
    name: {
      kind: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', patternHint: 'a name of letters, digits, ".", "_" and "-"',
      description: 'the profile name shown in summaries and reports (default: the file name without extension)',
    },
    description: { kind: 'string', description: 'what driver this models' },
    extends: choice(builtinProfileNames, `the built-in profile this one starts from: ${builtinProfileNames.join(' or ')}`),
    ...Object.fromEntries(choiceDefinitions.map((definition) => [definition.name, choiceField(definition)])),
  },
  required: ['extends'],
};

/** The published JSON Schema of profile files. */
export function profileJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/wavert/wavert/schema/profile.schema.json',
    title: 'wavert driver profile',
    ...toJsonSchema(profileSpec),
  };
}

/** Names of the fields that are choices (everything but name, description, extends). */
export const choiceFieldNames: readonly string[] = Object.keys(docProfile.choices);
