// User profile files end to end: load, validate, run, and the reports naming the profile; every bad file
// gives one sentence with file:line:col and exit 2; `wavert profiles`; the published schema; run --profile.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { choiceDefinitions, docProfile, sysvadProfile } from '../src/engine/index.js';
import { loadProfileFile, profileJsonSchema } from '../src/profile/index.js';
import { pcmFormat } from '../src/wav/index.js';
import { writeTestWav } from './support/audio-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'wavert.js');
let dir = '';

function wavert(args: string[], cwd = root) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const myDriver = 'name: my-driver\ndescription: pre-rolls one packet, no fill\nextends: doc\nprerollWindow: current-only\neosSilenceFill: false\n';

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-profiles-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

describe('a user profile file, round trip', () => {
  test('when a file extends doc with two choices then it loads as doc with those two changed, named and traced to its file', () => {
    const profile = loadProfileFile(file('my.yaml', myDriver), 'my.yaml');
    assert.equal(profile.name, 'my-driver');
    assert.equal(profile.extends, 'doc');
    assert.equal(profile.file, 'my.yaml');
    assert.deepEqual(profile.choices, { ...docProfile.choices, prerollWindow: 'current-only', eosSilenceFill: false });
  });

  test('when a JSON profile has no name then the file name is its name', () => {
    const profile = loadProfileFile(file('lab-board.json', '{ "extends": "sysvad", "packetClock": "exact" }'), 'lab-board.json');
    assert.equal(profile.name, 'lab-board');
    assert.equal(profile.choices.packetClock, 'exact');
    assert.equal(profile.choices.runWindow, 'next-only');
  });

  test('when render runs with --profile FILE then the choices apply and the summary, JSON and HTML report name the profile', () => {
    const input = writeTestWav(dir, 'in.wav', 1000, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }));
    file('my.yaml', myDriver);
    const text = wavert(['render', input, '-o', join(dir, 'out.wav'), '--profile', 'my.yaml', '--fifo-bytes', '64', '--report', join(dir, 'run.html')], dir);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /profile my-driver, underflow repeat, EOS fill off, FIFO 64 bytes/);
    assert.match(readFileSync(join(dir, 'run.html'), 'utf8'), /profile my-driver/);
    const json = wavert(['render', input, '-o', join(dir, 'out2.wav'), '--profile', join(dir, 'my.yaml'), '--json']);
    assert.equal(json.status, 0, json.stderr);
    const summary = JSON.parse(json.stdout) as { stream: { profile: string; eosSilenceFill: boolean }; statuses: Record<string, number> };
    assert.equal(summary.stream.profile, 'my-driver');
    assert.equal(summary.stream.eosSilenceFill, false);
  });

  test('when a scenario names a profile file relative to itself then the run uses it: no EOS fill, so the FIFO reads stale audio', () => {
    const folder = join(dir, 'lib');
    mkdirSync(join(folder, 'profiles'), { recursive: true });
    writeFileSync(join(folder, 'profiles', 'my.yaml'), myDriver);
    writeFileSync(join(folder, 'late.yaml'), [
      'input: { type: counter, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 50 }',
      'stream: { bufferMs: 20, notifications: 2, profile: profiles/my.yaml, fifoBytes: 64 }',
      'expect: { statuses: { STATUS_SUCCESS: 5 }, outputFrames: 2416, ranges: [{ frames: [2400, 2415], is: stale }] }',
      '',
    ].join('\n'));
    const run = wavert(['run', join(folder, 'late.yaml'), '--out', join(dir, 'out-lib')]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const summary = JSON.parse(readFileSync(join(dir, 'out-lib', 'late', 'summary.json'), 'utf8')) as { stream: { profile: string } };
    assert.equal(summary.stream.profile, 'my-driver');
  });
});

describe('a bad profile file: one sentence, exit 2, nothing written', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['an unknown choice', 'extends: doc\nrunWindw: next-only\n', /^wavert: bad\.yaml:2:1: runWindw: expected one of the fields name, description, extends, runWindow, .*, found an unknown field 'runWindw' \(did you mean 'runWindow'\?\)$/],
    ['a value not among the choice\'s', 'extends: doc\nrunWindow: next\n', /^wavert: bad\.yaml:2:12: runWindow: expected one of up-to-buffer, next-only, found 'next' \(did you mean 'next-only'\?\)$/],
    ['no extends', 'runWindow: next-only\n', /^wavert: bad\.yaml:1:1: extends: expected a 'extends' field: one of doc, sysvad, found none$/],
    ['an unknown built-in to extend', 'extends: sysvd\n', /^wavert: bad\.yaml:1:10: extends: expected one of doc, sysvad, found 'sysvd' \(did you mean 'sysvad'\?\)$/],
    ['a built-in\'s name', 'name: doc\nextends: doc\n', /^wavert: bad\.yaml:1:7: name: expected a name other than the built-ins \(doc, sysvad\), found 'doc'$/],
    ['a boolean choice given a word', 'extends: doc\neosSilenceFill: yes please\n', /^wavert: bad\.yaml:2:17: eosSilenceFill: expected true or false, found 'yes please'$/],
    ['a list for a profile', '- extends: doc\n', /^wavert: bad\.yaml:1:1: \(top level\): expected a mapping with fields name, description, extends, .*, found a list$/],
    ['broken YAML', 'extends: doc\nrunWindow: [next-only\n', /^wavert: bad\.yaml:\d+:\d+: not valid YAML: /],
  ];
  for (const [what, text, message] of cases) {
    test(`when the profile file has ${what} then render says so in one line with file:line:col`, () => {
      const input = writeTestWav(dir, 'bad-in.wav', 100, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }));
      file('bad.yaml', text);
      const output = join(dir, 'bad-out.wav');
      const result = wavert(['render', input, '-o', output, '--profile', 'bad.yaml'], dir);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr.trim(), message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(existsSync(output), false);
    });
  }

  test('when the profile file is missing or a folder, or the name is no built-in, then one sentence each', () => {
    const input = writeTestWav(dir, 'bad-in2.wav', 100, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }));
    const expectations: Array<[string, RegExp]> = [
      ['missing.yaml', /^wavert: missing\.yaml: cannot read the profile file \(no such file\)$/],
      ['./', /: is a folder, not a profile file$/],
      ['sysvd', /^wavert: unknown profile 'sysvd': give doc or sysvad, or a profile file \(\.yaml, \.yml, \.json\); did you mean 'sysvad'\?$/],
    ];
    for (const [reference, message] of expectations) {
      const result = wavert(['render', input, '-o', join(dir, 'never.wav'), '--profile', reference], dir);
      assert.equal(result.status, 2, reference);
      assert.match(result.stderr.trim(), message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  });

  test('when the profile file is a FIFO then render and run refuse it at once (a read would wait for a writer for ever)', () => {
    const fifo = join(dir, 'fifo-profile.yaml');
    spawnSync('mkfifo', [fifo]);
    const input = writeTestWav(dir, 'fifo-in.wav', 100, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }));
    const rendered = spawnSync(process.execPath, [join(root, 'bin', 'wavert.js'), 'render', input, '-o', join(dir, 'never-fifo.wav'), '--profile', fifo], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(rendered.signal, null, 'render ended by itself');
    assert.equal(rendered.status, 2, rendered.stderr);
    assert.match(rendered.stderr.trim(), /^wavert: .*fifo-profile\.yaml: is not a regular file$/);
    const scenario = file('uses-fifo.yaml', 'input: { type: silence, format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, durationMs: 20 }\nstream: { profile: fifo-profile.yaml }\n');
    const run = spawnSync(process.execPath, [join(root, 'bin', 'wavert.js'), 'run', scenario, '--out', join(dir, 'out-fifo')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.signal, null, 'run ended by itself');
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /uses-fifo\.yaml:2:20: stream\.profile: .*is not a regular file/);
  });

  test('when a scenario names a bad profile then the scenario is invalid, naming its own line and the profile\'s', () => {
    file('bad.yaml', 'extends: doc\nrunWindow: next\n');
    const scenario = file('uses-bad.yaml', 'input: { type: silence, format: { bitsPerSample: 16, channels: 1, sampleRate: 8000 }, durationMs: 20 }\nstream: { profile: bad.yaml }\n');
    const result = wavert(['run', scenario, '--out', join(dir, 'out-bad')]);
    assert.equal(result.status, 2);
    assert.match(result.stdout, /uses-bad\.yaml:2:20: stream\.profile: expected doc, sysvad or a valid profile file, found .*bad\.yaml:2:12: runWindow: expected one of up-to-buffer, next-only/);
  });
});

describe('--fifo-bytes must be whole frames', () => {
  test('when --fifo-bytes is 6 for 4-byte frames then render exits 2 with one sentence and writes nothing', () => {
    const input = writeTestWav(dir, 'fifo.wav', 100, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }));
    const result = wavert(['render', input, '-o', join(dir, 'fifo-out.wav'), '--fifo-bytes', '6']);
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim(), "wavert: --fifo-bytes must be a whole number of 4-byte frames (2 ch × 2 bytes), got 6\nSee 'wavert render --help'.");
    assert.equal(existsSync(join(dir, 'fifo-out.wav')), false);
  });

  test('when a scenario has fifoBytes 6 for 4-byte frames then it is invalid with file:line', () => {
    const scenario = file('fifo.yaml', 'input: { type: silence, format: { bitsPerSample: 16, channels: 2, sampleRate: 8000 }, durationMs: 20 }\nstream: { fifoBytes: 6 }\n');
    const result = wavert(['run', scenario, '--out', join(dir, 'out-fifo')]);
    assert.equal(result.status, 2);
    assert.match(result.stdout, /fifo\.yaml:2:22: stream\.fifoBytes: expected a whole number of 4-byte frames, found 6/);
  });
});

describe('wavert profiles', () => {
  test('when run then it lists doc and sysvad with every choice side by side and what the docs and the reference say', () => {
    const result = wavert(['profiles']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^runWindow +up-to-buffer +next-only$/m);
    assert.match(result.stdout, /^eosAtBufferEnd +ends +never-ends$/m);
    assert.match(result.stdout, /sysvad: exactly c\+1 whatever N is \(minwavertstream\.cpp, SetWritePacket/);
  });

  test('when given a profile file and --json then it is validated and listed with its choices', () => {
    const path = file('my.yaml', myDriver);
    const result = wavert(['profiles', path, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as { profiles: Array<{ name: string; extends: string | null; choices: Record<string, unknown> }>; choices: Array<{ name: string }> };
    assert.deepEqual(json.profiles.map((profile) => profile.name), ['doc', 'sysvad', 'my-driver']);
    assert.equal(json.profiles[2]!.choices.prerollWindow, 'current-only');
    assert.equal(json.choices.length, Object.keys(docProfile.choices).length);
    assert.equal(wavert(['profiles', file('bad2.yaml', 'extends: dok\n')]).status, 2);
  });

  test('when docs/profiles.md is read then it documents every choice with its values and both built-ins\' value', () => {
    const text = readFileSync(join(root, 'docs', 'profiles.md'), 'utf8');
    for (const definition of choiceDefinitions) {
      const values = definition.values === 'boolean' ? '`true` | `false`' : definition.values.map((value) => `\`${value}\``).join(' | ');
      assert.ok(text.includes(`### \`${definition.name}\`: ${values}`), `docs/profiles.md lacks ${definition.name}`);
      assert.ok(text.includes(`- **sysvad** (\`${String(sysvadProfile.choices[definition.name])}\`): ${definition.reference}.`), `docs/profiles.md: ${definition.name}'s sysvad line`);
    }
  });

  test('when the published schema is compared with the validator table then they are the same', () => {
    const published = JSON.parse(readFileSync(join(root, 'schema', 'profile.schema.json'), 'utf8')) as unknown;
    assert.deepEqual(published, profileJsonSchema(),
      "schema/profile.schema.json is out of date: node -e \"import('./dist/src/profile/index.js').then(m=>process.stdout.write(JSON.stringify(m.profileJsonSchema(),null,2)+'\\n'))\" > schema/profile.schema.json");
  });
});

describe('wavert run --profile', () => {
  test('when two doc scenarios run against sysvad then they fail and each failed expectation names the choices it depends on', () => {
    const scenarios = join(root, 'fixtures', 'scenarios');
    const result = wavert(['run', '--profile', 'sysvad', join(scenarios, 'invalid-flags-doc.yaml'), join(scenarios, 'profile-doc.yaml'), '--out', join(dir, 'out-run')]);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^profile sysvad: the choices each expectation that did not hold depends on$/m);
    assert.match(result.stdout, /^ {4}statuses\.STATUS_INVALID_PARAMETER \(line 19\): fails with unknownFlags alone; holds again with unknownFlags set back$/m);
    assert.match(result.stdout, /^ {4}underrun\.events \(line 17\): fails with any one of runWindow, prerollWindow alone$/m);
  });

  test('when --profile is given with --update-golden then exit 2: goldens come from each scenario\'s own profile', () => {
    const result = wavert(['run', '--profile', 'sysvad', '--update-golden', join(root, 'fixtures', 'scenarios', 'clean-playback.yaml'), '--out', join(dir, 'out-g')]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--update-golden writes each scenario's golden WAV from its own profile; leave out --profile/);
  });
});
