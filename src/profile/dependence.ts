// `wavert run --profile X`: for every scenario that does not pass under X, which of X's choices it depends on.
// Each choice where X differs from the scenario's own profile is set back, one at a time, and the
// scenario re-run; an expectation that then holds depends on that choice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, runScenario, type ScenarioResult } from '../scenario/index.js';
import type { StreamConfig } from '../session/config.js';
import { choiceDefinitions, docProfile, type ChoiceName, type DriverProfile } from './builtins.js';
import { resolveProfile } from '../engine/index.js';

export interface ExpectationDependence {
  /** The expectation as the results list it ("statuses.STATUS_DATA_LATE_ERROR (line 16)"), or "the run" when it did not run. */
  expectation: string;
  /** Choices each of which, set back alone, makes it hold; empty when only several together do. */
  dependsOn: ChoiceName[];
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
      let scenario;
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
      const dependsOn = new Map<string, ChoiceName[]>(failing.map((entry) => [entry.text, []]));
      for (const name of differing) {
        const stream: StreamConfig = { ...scenario.stream, profile: withChoice(profile, name, own.choices[name]) };
        let probe;
        try {
          probe = await runScenario({ ...scenario, stream }, { outDir });
        } catch {
          continue;
        }
        for (const entry of failing) {
          const holds = entry.key === null
            ? probe.passed
            : probe.expectations.some((expectation) => expectation.name === entry.key && expectation.held);
          if (holds) dependsOn.get(entry.text)!.push(name);
        }
      }
      explained.push({
        scenario: result.name, file: result.file, ownProfile: own.name, differing,
        expectations: failing.map((entry) => ({ expectation: entry.text, dependsOn: dependsOn.get(entry.text)! })),
      });
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return explained;
}

/** The text `wavert run --profile X` prints after the results table. */
export function formatDependence(profile: DriverProfile, explained: readonly ProfileDependence[]): string {
  if (explained.length === 0) return `profile ${profile.name}: every scenario passes; no expectation depends on where it differs\n\n`;
  const lines = [`profile ${profile.name}: which choices the expectations that did not hold depend on (each set back alone to the scenario's own profile)`];
  for (const entry of explained) {
    lines.push(`  ${entry.scenario} (own profile ${entry.ownProfile}; differs in ${entry.differing.join(', ') || 'nothing'})`);
    for (const expectation of entry.expectations) {
      const why = expectation.dependsOn.length > 0
        ? `depends on ${expectation.dependsOn.join(', ')}`
        : entry.differing.length > 0 ? 'depends on several choices together' : 'does not depend on the profile';
      lines.push(`    ${expectation.expectation}: ${why}`);
    }
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
