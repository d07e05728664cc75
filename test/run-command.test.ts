import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeXml } from '../src/scenario/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(repoRoot, 'bin', 'wavert.js');
const fixtures = join(repoRoot, 'fixtures', 'scenarios');

function wavert(args: string[], cwd = repoRoot): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-run-command-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const PASSING = `input: { type: counter, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 100 }
expect:
  statuses: { STATUS_SUCCESS: 10 }
`;
const FAILING = `input: { type: counter, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 100 }
timeline:
  - { atPacket: 3, action: stall, durationMs: 15 }
expect:
  underrun: { events: 0, frames: 0 }
  statuses: { STATUS_DATA_LATE_ERROR: 1 }
`;

/** A small XML well-formedness check: one root, balanced tags, quoted attributes, known entities only. */
function assertWellFormedXml(xml: string): Array<{ name: string; attributes: Record<string, string> }> {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  const elements: Array<{ name: string; attributes: Record<string, string> }> = [];
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, attributeText, selfClosing, text] = match;
    if (text !== undefined) {
      assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(text), `bad entity in text: ${text}`);
      if (stack.length === 0) assert.equal(text.trim(), '', 'text outside the root');
      continue;
    }
    if (closing) {
      assert.equal(stack.pop(), name, `unbalanced </${name}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    const attributes = Object.fromEntries([...attributeText!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    elements.push({ name: name!, attributes });
    if (!selfClosing) stack.push(name!);
  }
  assert.equal(consumed, body.length, `unparsable XML at: ${body.slice(consumed, consumed + 60)}`);
  assert.deepEqual(stack, []);
  assert.equal(roots, 1);
  return elements;
}

describe('wavert run (as a process)', () => {
  test('when the whole fixtures/scenarios library runs then every expectation holds and the exit code is 0', () => {
    const { dir, cleanup } = tempDir();
    try {
      const run = wavert(['run', fixtures, '--out', dir]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const files = readdirSync(fixtures).filter((name) => /\.(ya?ml|json)$/.test(name));
      assert.ok(files.length >= 30);
      assert.match(run.stdout, new RegExp(`${files.length} scenarios: ${files.length} passed, 0 failed, 0 invalid, 0 errors`));
      for (const name of readdirSync(dir)) {
        for (const output of ['rendered.wav', 'trace.ndjson', 'summary.json']) assert.ok(existsSync(join(dir, name, output)), `${name}/${output}`);
      }
      assert.equal(readdirSync(dir).length, files.length);
    } finally {
      cleanup();
    }
  });

  test('when an expectation fails then the exit code is 1 and each failure is printed with expected and actual', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'stalls.yaml'), FAILING);
      const run = wavert(['run', 'stalls.yaml', '--out', 'out'], dir);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /^FAIL stalls \(stalls\.yaml\)\n {2}underrun\.events \(line 5\): expected 0, actual 1\n {2}underrun\.frames \(line 5\): expected 0, actual 480\n/);
      assert.match(run.stdout, /stalls +FAIL +2\/4 +1 \/ 480 +underflow-repeat 1 +DATA_LATE_ERROR 1/);
      assert.ok(existsSync(join(dir, 'out', 'stalls', 'rendered.wav')));
    } finally {
      cleanup();
    }
  });

  test('when a scenario is invalid then the exit code is 2, it is not run, and its problems are printed as file:line', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'good.yaml'), PASSING);
      writeFileSync(join(dir, 'bad.yaml'), PASSING.replace('durationMs: 100', 'durationMs: 100, pitch: 3'));
      const run = wavert(['run', '.', '--out', 'out'], dir);
      assert.equal(run.code, 2);
      assert.match(run.stdout, /^INVALID bad \(bad\.yaml\)\n {2}bad\.yaml:1:105: input\.pitch: expected one of the fields format, durationMs, frames, found an unknown field 'pitch'/);
      assert.match(run.stdout, /1 passed, 0 failed, 1 invalid/);
      assert.ok(!existsSync(join(dir, 'out', 'bad')));
      assert.ok(existsSync(join(dir, 'out', 'good', 'summary.json')));
    } finally {
      cleanup();
    }
  });

  test('when two scenarios share a name or a path does not exist then the run is refused with exit code 2', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'a.yaml'), `name: same\n${PASSING}`);
      writeFileSync(join(dir, 'b.json'), JSON.stringify({ name: 'same', input: { type: 'silence', format: { bitsPerSample: 8, channels: 1, sampleRate: 8000 }, frames: 10 } }));
      const duplicate = wavert(['run', '.', '--out', 'out'], dir);
      assert.equal(duplicate.code, 2);
      assert.match(duplicate.stdout, /b\.json: the scenario name 'same' is already used by a\.yaml/);
      const missing = wavert(['run', 'nowhere.yaml'], dir);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^wavert: nowhere\.yaml: no such scenario file or folder\nSee 'wavert run --help'\.\n$/);
    } finally {
      cleanup();
    }
  });

  test('when --junit is given then the XML is well-formed and names every scenario with its failure or error', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'a-pass.yaml'), PASSING);
      writeFileSync(join(dir, 'b-fail.yaml'), FAILING);
      writeFileSync(join(dir, 'c-invalid.yaml'), 'input: { type: counter }\n');
      const run = wavert(['run', '.', '--out', 'out', '--junit', 'reports/junit.xml', '--jobs', '2'], dir);
      assert.equal(run.code, 2);
      const xml = readFileSync(join(dir, 'reports', 'junit.xml'), 'utf8');
      const elements = assertWellFormedXml(xml);
      const suite = elements.find((element) => element.name === 'testsuite')!;
      assert.deepEqual([suite.attributes.tests, suite.attributes.failures, suite.attributes.errors], ['3', '1', '1']);
      const cases = elements.filter((element) => element.name === 'testcase').map((element) => element.attributes.name);
      assert.deepEqual(cases, ['a-pass', 'b-fail', 'c-invalid']);
      assert.match(xml, /<failure type="expectation" message="2 expectations failed">underrun\.events \(line 5\): expected 0, actual 1\nunderrun\.frames \(line 5\): expected 0, actual 480<\/failure>/);
      assert.match(xml, /<error type="invalid" message="c-invalid\.yaml:1:8: input\.format: expected a &apos;format&apos; field: [^"]*">c-invalid\.yaml:1:8: input\.format: [^<]*\nc-invalid\.yaml:1:8: input: expected exactly one of durationMs, frames, found none of them<\/error>/);
    } finally {
      cleanup();
    }
  });

  test('when text for XML holds markup and control characters then it is escaped and the controls dropped', () => {
    assert.equal(escapeXml(`a<b>&"c'\u0001`), 'a&lt;b&gt;&amp;&quot;c&apos;');
  });

  test('when --realtime runs a scenario to the null sink then the sink paces the model on its virtual clock and the expectations hold', () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'rt.yaml'), `input: { type: sine, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 60 }
timeline:
  - { atMs: 20, action: stall-sink, durationMs: 10 }
expect:
  outputFrames: 2880
  eosReached: true
`);
      const run = wavert(['run', 'rt.yaml', '--out', 'out', '--realtime', '--sink', 'null'], dir);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stderr, /playing rt\.yaml in real time/);
      const summary = JSON.parse(readFileSync(join(dir, 'out', 'rt', 'summary.json'), 'utf8')) as { clock: string; output: { frames: number } };
      // paced real time: the model keeps its virtual clock (the same events and bytes as offline), the sink keeps time
      assert.equal(summary.clock, 'virtual');
      assert.equal(summary.output.frames, 2880);
      const trace = readFileSync(join(dir, 'out', 'rt', 'trace.ndjson'), 'utf8');
      assert.match(trace, /"event":"scenario".*"clock":"realtime \(paced\)"/);
      assert.match(trace, /"event":"sink","timeNs":0,"timeFrames":0,"action":"opened"/);
      assert.match(trace, /"event":"action".*"action":"stall-sink"/);
    } finally {
      cleanup();
    }
  });

  test('when --sink is given without --realtime then the usage error says so', () => {
    const run = wavert(['run', fixtures, '--sink', 'null']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--sink is used with --realtime only/);
  });
});
