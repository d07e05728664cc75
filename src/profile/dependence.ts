// `wavert run --profile X`: for every scenario that does not pass under X, which of X's choices it depends on.
// For each choice where X differs from the scenario's own profile the scenario runs twice more: its own
// profile with only that choice taken from X (does the expectation break?), and X with only that choice set
// back (does it hold again?).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, runScenario, type Scenario, type ScenarioResult, type ScenarioSummary } from '../scenario/index.js';
import { choiceDefinitions, docProfile, type ChoiceName, type DriverProfile } from './builtins.js';
import { resolveProfile } from '../engine/index.js';

export interface ExpectationDependence {
  /** The expectation as the results list it ("statuses.STATUS_DATA_LATE_ERROR (line 16)"), or "the run" when it did not run. */
  expectation: string;
  /** Choices each of which, taken alone from the profile under test, makes it fail. */
  breaksWith: ChoiceName[];
  /** Choices each of which, set back alone to the scenario's own value, makes it hold again. */
  holdsAgainWith: ChoiceName[];
}

export interface ProfileDependence {
  scenario: string;
  file: string;
  /** The scenario's own profile, and the choices where the profile under test differs from it. */
  ownProfile: string;
  differing: ChoiceName[];
  expectations: ExpectationDependence[];
}

function withChoice(profile: DriverProfile, name: ChoiceName, value: unknown): DriverProfile {
  return { ...profile, name: `${profile.name}+${name}`, choices: { ...profile.choices, [name]: value } };
}

function label(expectation: { name: string; line: number }): string {
  return `${expectation.name}${expectation.line > 0 ? ` (line ${expectation.line})` : ''}`;
}

async function probeRun(scenario: Scenario, profile: DriverProfile, outDir: string): Promise<ScenarioSummary | null> {
  try {
    return await runScenario({ ...scenario, stream: { ...scenario.stream, profile } }, { outDir });
  } catch {
    return null;
  }
}

/** Re-runs each result that did not pass (files[i] ran as results[i]) with one choice at a time set back. */
export async function explainProfileDependence(
  files: ReadonlyArray<{ path: string; file: string }>, results: readonly ScenarioResult[], profile: DriverProfile,
): Promise<ProfileDependence[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'wavert-profile-'));
  const explained: ProfileDependence[] = [];
  try {
    for (let index = 0; index < files.length; index++) {
      const result = results[index]!;
      if (result.status === 'passed') continue;
      let scenario: Scenario;
      try {
        scenario = loadScenario(files[index]!.path, files[index]!.file);
      } catch {
        continue;
      }
      const own = resolveProfile(scenario.stream.profile ?? docProfile);
      const differing = choiceDefinitions.map((definition) => definition.name).filter((name) => own.choices[name] !== profile.choices[name]);
      const failing = result.status === 'failed'
        ? result.expectations.filter((expectation) => !expectation.held).map((expectation) => ({ key: expectation.name, text: label(expectation) }))
        : [{ key: null, text: 'the run' }];
      const breaksWith = new Map<string, ChoiceName[]>(failing.map((entry) => [entry.text, []]));
      const holdsAgainWith = new Map<string, ChoiceName[]>(failing.map((entry) => [entry.text, []]));
      const holds = (probe: ScenarioSummary | null, key: string | null): boolean | null => {
        if (probe === null) return null;
        return key === null ? probe.passed : probe.expectations.some((expectation) => expectation.name === key && expectation.held);
      };
      for (const name of differing) {
        const alone = await probeRun(scenario, withChoice(own, name, profile.choices[name]), outDir);
        const setBack = await probeRun(scenario, withChoice(profile, name, own.choices[name]), outDir);
        for (const entry of failing) {
          if (holds(alone, entry.key) === false) breaksWith.get(entry.text)!.push(name);
          if (holds(setBack, entry.key) === true) holdsAgainWith.get(entry.text)!.push(name);
        }
      }
      explained.push({
        scenario: result.name, file: result.file, ownProfile: own.name, differing,
        expectations: failing.map((entry) => ({
          expectation: entry.text, breaksWith: breaksWith.get(entry.text)!, holdsAgainWith: holdsAgainWith.get(entry.text)!,
        })),
      });
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return explained;
}

function anyOf(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `any one of ${names.join(', ')}`;
}

/** The text `wavert run --profile X` prints after the results table. */
export function formatDependence(profile: DriverProfile, explained: readonly ProfileDependence[]): string {
  if (explained.length === 0) return `profile ${profile.name}: every scenario passes; no expectation depends on where it differs\n\n`;
  const lines = [`profile ${profile.name}: the choices each expectation that did not hold depends on`];
  const listed = new Set<string>();
  for (const entry of explained) {
    // the choices that differ from a scenario's own profile are listed the first time that profile comes up
    const differs = listed.has(entry.ownProfile) ? `${entry.differing.length} choice(s) differ` : `differs in ${entry.differing.join(', ') || 'nothing'}`;
    listed.add(entry.ownProfile);
    lines.push(`  ${entry.scenario} (own profile ${entry.ownProfile}; ${differs})`);
    for (const expectation of entry.expectations) {
      const parts: string[] = [];
      if (expectation.breaksWith.length > 0) parts.push(`fails with ${anyOf(expectation.breaksWith)} alone`);
      if (expectation.holdsAgainWith.length > 0) parts.push(`holds again with ${expectation.holdsAgainWith.join(' or ')} set back`);
      if (parts.length === 0) parts.push(entry.differing.length > 0 ? 'only several choices together change it' : 'does not depend on the profile');
      lines.push(`    ${expectation.expectation}: ${parts.join('; ')}`);
    }
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
