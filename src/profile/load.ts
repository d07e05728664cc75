// Reads a user's driver profile (YAML or JSON): a built-in to extend and the choices that differ.
// Validated like a scenario: every problem with file:line:col, the choice, what was expected and found.
import { readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { builtinProfile, builtinProfileNames, closestNameOf, type DriverProfile, type ProfileChoices } from './builtins.js';
import { ProfileError, WavertError, describeIoFailure } from '../errors.js';
import { formatProblem, NodeValidator, parseWithPositions } from '../scenario/validate.js';
import { choiceFieldNames, profileSpec } from './schema.js';

const MAX_PROFILE_FILE_BYTES = 256 * 1024;
const PROFILE_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Parses and validates a profile file; throws ProfileError listing every problem. `file` names it in messages. */
export function loadProfileFile(path: string, file: string = path): DriverProfile {
  let text: string;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw new ProfileError(`${file}: is a folder, not a profile file`);
    // a FIFO or a device could block the read for ever, and a thread blocked in open() cannot be stopped
    if (!stats.isFile()) throw new ProfileError(`${file}: is not a regular file`);
    if (stats.size > MAX_PROFILE_FILE_BYTES) throw new ProfileError(`${file}: the profile file is ${stats.size} bytes; the limit is ${MAX_PROFILE_FILE_BYTES}`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof WavertError) throw error;
    throw new ProfileError(`${file}: cannot read the profile file (${describeIoFailure(error)})`);
  }
  const { document, lineCounter, syntaxErrors } = parseWithPositions(text, file);
  if (syntaxErrors.length > 0) throw new ProfileError(syntaxErrors.join('\n'));
  const validator = new NodeValidator(document, lineCounter);
  const raw = validator.check(document.contents, profileSpec, '', { line: 1, column: 1 }) as Record<string, unknown> | undefined;
  if (raw !== undefined && typeof raw.name === 'string' && builtinProfileNames.includes(raw.name)) {
    const position = validator.positions.get('name') ?? { line: 1, column: 1 };
    validator.problem(position, 'name', `a name other than the built-ins (${builtinProfileNames.join(', ')})`, `'${raw.name}'`);
  }
  if (raw === undefined || validator.problems.length > 0) {
    const sorted = [...validator.problems].sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
    throw new ProfileError(sorted.map((problem) => formatProblem(file, problem)).join('\n'));
  }
  const base = builtinProfile(raw.extends as string)!;
  const overrides = Object.fromEntries(choiceFieldNames.filter((name) => raw[name] !== undefined).map((name) => [name, raw[name]]));
  return {
    name: (raw.name as string | undefined) ?? basename(file, extname(file)),
    description: (raw.description as string | undefined) ?? `${base.name} with ${Object.keys(overrides).length} choice(s) changed`,
    extends: base.name,
    file,
    choices: { ...base.choices, ...overrides } as ProfileChoices,
  };
}

/**
 * `--profile` / a scenario's `stream.profile`: a built-in's name, or a profile file (relative to `directory`).
 * An unknown name that is not a file gets one sentence with the closest built-in.
 */
export function resolveProfileReference(reference: string, directory: string, shownAs: (path: string) => string = (path) => path): DriverProfile {
  const builtin = builtinProfile(reference);
  if (builtin) return builtin;
  const path = resolve(directory, reference);
  const looksLikeFile = PROFILE_EXTENSIONS.includes(extname(reference).toLowerCase()) || reference.includes('/') || reference.includes('\\');
  if (!looksLikeFile) {
    const suggestion = closestNameOf(reference);
    throw new ProfileError(`unknown profile '${reference}': give ${builtinProfileNames.join(' or ')}, or a profile file (.yaml, .yml, .json)${suggestion ? `; did you mean '${suggestion}'?` : ''}`);
  }
  return loadProfileFile(path, shownAs(path));
}
