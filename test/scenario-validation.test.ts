import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../src/errors.js';
import { actionNames, closestName, levenshtein, loadScenario, scenarioJsonSchema } from '../src/scenario/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const VALID = `# a valid scenario
seed: 5
input:
  type: counter
  format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }
  durationMs: 100
stream:
  bufferMs: 20
  notifications: 2
timeline:
  - atPacket: 3
    action: stall
    durationPackets: 1.5
expect:
  statuses: { STATUS_SUCCESS: 10 }
`;

function withFile<T>(name: string, text: string, body: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-scenario-validation-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    return body(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error lines of loading `text` as a scenario, with the temporary path replaced by the file name. */
function problems(text: string, name = 'bad.yaml'): string[] {
  return withFile(name, text, (path) => {
    try {
      loadScenario(path, name);
    } catch (error) {
      assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
      return error.message.split('\n');
    }
    assert.fail('the scenario was accepted');
  });
}

describe('scenario validation', () => {
  test('when a scenario is valid then it resolves with every default filled in', () => {
    const scenario = withFile('ok.yaml', VALID, (path) => loadScenario(path));
    assert.equal(scenario.name, 'ok');
    assert.equal(scenario.seed, 5);
    assert.deepEqual(scenario.input.type, 'counter');
    assert.equal('frames' in scenario.input ? scenario.input.frames : null, 4800);
    assert.equal(scenario.timeline.length, 1);
    assert.equal(scenario.timeline[0]!.atPacket, 3);
    assert.equal(scenario.timeline[0]!.position.line, 11);
    assert.deepEqual(scenario.client.wakeLatency, { kind: 'fixed', valueNs: 0 });
  });

  test('when an action name is misspelled then file:line, the field, the known names and the closest one are given', () => {
    const lines = problems(VALID.replace('action: stall', 'action: stal'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^bad\.yaml:12:13: timeline\[0\]\.action: expected one of stall, skip, write, .*, found 'stal' \(did you mean 'stall'\?\)$/);
  });

  test('when a number is out of range then the message says the range and the value found', () => {
    const lines = problems(VALID.replace('notifications: 2', 'notifications: 12'));
    assert.deepEqual(lines, ['bad.yaml:9:18: stream.notifications: expected a whole number from 0 to 8, found 12']);
  });

  test('when a whole number is given as a fraction or a string then it is refused with what was found', () => {
    const lines = problems(VALID.replace('seed: 5', 'seed: 5.5').replace('bufferMs: 20', "bufferMs: '20'"));
    assert.deepEqual(lines, [
      'bad.yaml:2:7: seed: expected a whole number from 0 to 4294967295, found 5.5',
      "bad.yaml:8:13: stream.bufferMs: expected a number from 0.01 to 10000, found '20' (a number in quotes: write 20 without them)",
    ]);
  });

  test('when a field is unknown then the closest known field is suggested', () => {
    const lines = problems(VALID.replace('bufferMs: 20', 'bufferMS: 20'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^bad\.yaml:8:3: stream\.bufferMS: expected one of the fields bufferMs, .*found an unknown field 'bufferMS' .*\(did you mean 'bufferMs'\?\)$/);
  });

  test('when a required field is missing or two exclusive fields are both given then the mapping is named', () => {
    const lines = problems(VALID.replace('    durationPackets: 1.5\n', '').replace('  durationMs: 100\n', '  durationMs: 100\n  frames: 10\n'));
    assert.deepEqual(lines, [
      'bad.yaml:4:3: input: expected exactly one of durationMs, frames, found durationMs and frames',
      'bad.yaml:12:5: timeline[0]: expected exactly one of durationMs, durationPackets, found none of them',
    ]);
  });

  test('when a status name is misspelled then the expected names and a suggestion are given', () => {
    const lines = problems(VALID.replace('STATUS_SUCCESS: 10', 'STATUS_DATA_LATE: 1'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^bad\.yaml:15:15: expect\.statuses: expected keys from STATUS_SUCCESS, .*found 'STATUS_DATA_LATE' .*\(did you mean 'STATUS_DATA_LATE_ERROR'\?\)$/);
  });

  test('when a range is reversed, an enum value is wrong and a range check has the wrong length then each is reported', () => {
    const lines = problems(`${VALID.replace("underflow: ", 'x')}  underrun: { events: { min: 4, max: 1 } }\n  ranges:\n    - { frames: [9, 2], is: silence }\n    - { frames: [0, 9], is: quiet }\n`);
    assert.deepEqual(lines, [
      'bad.yaml:16:23: expect.underrun.events: expected a whole number from 0 to 1000000000, or a range { min, max }, found min 4 > max 1',
      'bad.yaml:18:17: expect.ranges[0].frames: expected a list of two values [first, last], each a whole number from 0 to 921600000, first ≤ last, found [9, 2] (first > last)',
      "bad.yaml:19:29: expect.ranges[1].is: expected one of silence, not-silence, stale, found 'quiet'",
    ]);
  });

  test('when the schema holds but the values contradict each other then the semantic problem has file:line too', () => {
    const lines = problems(VALID
      .replace('bitsPerSample: 16', 'bitsPerSample: 12')
      .replace('expect:\n', 'client:\n  wakeLatency: { distribution: uniform, minMs: 5, maxMs: 1 }\nexpect:\n'));
    assert.deepEqual(lines, [
      'bad.yaml:5:28: input.format.bitsPerSample: expected 8, 16, 24, 32 bits for pcm, found 12',
      'bad.yaml:15:58: client.wakeLatency.maxMs: expected at least minMs (5), found 1',
    ]);
  });

  test('when the buffer cannot hold one frame per packet then the stream field is named', () => {
    const lines = problems(VALID.replace('bufferMs: 20', 'bufferBytes: 6'));
    assert.deepEqual(lines, ['bad.yaml:8:16: stream.bufferBytes: expected a buffer of at least 8 bytes (2 packets of one 4-byte frame), found 6 bytes']);
  });

  test('when the run would need millions of tiny packets then it is refused before it runs', () => {
    const lines = problems(VALID.replace('durationMs: 100', 'durationMs: 600000').replace('bufferMs: 20', 'bufferBytes: 8'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^bad\.yaml:8:16: stream\.bufferBytes: expected a run of at most 5000000 packets/);
  });

  test('when a JSON scenario is wrong then its lines and columns are reported as for YAML', () => {
    const json = '{\n  "input": { "type": "sine", "format": { "bitsPerSample": 16, "channels": 2, "sampleRate": 48000 }, "frames": 10 },\n  "timeline": [\n    { "atMs": 1, "action": "pasue", "durationMs": 3 }\n  ]\n}\n';
    const lines = problems(json, 'bad.json');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^bad\.json:4:28: timeline\[0\]\.action: expected one of .*found 'pasue' \(did you mean 'pause'\?\)$/);
  });

  test('when the file is not YAML, has a duplicate key, is empty or cannot be read then one line says so', () => {
    assert.match(problems('input: [\n')[0]!, /^bad\.yaml:\d+:\d+: not valid YAML: /);
    assert.deepEqual(problems('seed: 1\nseed: 2\n'), ['bad.yaml:2:1: not valid YAML: Map keys must be unique']);
    assert.match(problems('')[0]!, /^bad\.yaml:1:1: \(top level\): expected a mapping with fields name, .*found nothing$/);
    assert.throws(() => loadScenario(join(tmpdir(), 'wavert-no-such-scenario.yaml')), /cannot read the scenario file \(no such file\)/);
  });

  test('when the input WAV is missing then the path field is named with the reason', () => {
    const lines = problems('input: { type: file, path: nowhere.wav }\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^bad\.yaml:1:28: input\.path: expected a readable WAV file, found cannot open .*nowhere\.wav/);
  });

  test('when a name is close to a known one then it is suggested, and when it is far then nothing is', () => {
    assert.equal(levenshtein('stall', 'stal'), 1);
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(closestName('wirte', ['write', 'stall']), 'write');
    assert.equal(closestName('teleport', ['write', 'stall']), undefined);
  });

  test('when the published schema is compared with the validator tables then they are the same', () => {
    const published = JSON.parse(readFileSync(join(repoRoot, 'schema', 'scenario.schema.json'), 'utf8')) as unknown;
    assert.deepEqual(published, scenarioJsonSchema(),
      "schema/scenario.schema.json is out of date: node -e \"import('./dist/src/scenario/index.js').then(m=>process.stdout.write(JSON.stringify(m.scenarioJsonSchema(),null,2)+'\\n'))\" > schema/scenario.schema.json");
  });

  test('when every action of the table is listed in the schema then each has its own variant', () => {
    const schema = scenarioJsonSchema() as { properties: { timeline: { items: { oneOf: Array<{ properties: { action: { const: string } } }> } } } };
    const names = schema.properties.timeline.items.oneOf.map((variant) => variant.properties.action.const);
    assert.deepEqual(names, [...actionNames]);
    for (const core of ['stall', 'skip', 'write', 'write-after-eos', 'write-twice', 'set-flags', 'end-stream', 'pause', 'stop-restart', 'set-state', 'stall-sink']) {
      assert.ok(names.includes(core), core);
    }
  });
});
