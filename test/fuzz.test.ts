// Seeded fuzzing in bounded time: mutated WAV headers and scenario files must give a result or one of the
// project's own errors (a sentence), never another exception, a hang or an allocation sized by the file.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../src/client/random.js';
import { WavertError } from '../src/errors.js';
import { loadScenario } from '../src/scenario/load.js';
import { WavReader } from '../src/wav/index.js';
import { wavCases } from './support/make-fixtures.js';
import { chunk, riff, simpleWav, fixtureAudio } from './support/wav-bytes.js';
import { pcmFormat } from '../src/wav/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SEED = 0x5eed12;
/** Cases per target, and a wall-clock cap: the cases are the same on every machine, a very slow one runs fewer. */
const CASES = 1_500;
const BUDGET_MS = 8_000;
let dir = '';

before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-fuzz-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

const pick = <T>(random: SeededRandom, items: readonly T[]): T => items[Math.floor(random.next() * items.length)]!;
const int = (random: SeededRandom, below: number): number => Math.floor(random.next() * below);

/** A WAV whose header (first bytes) has a few bytes flipped, replaced by boundary values, or cut short. */
function mutateWav(random: SeededRandom, seedBytes: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(seedBytes);
  const headerEnd = Math.min(bytes.length, 120);
  const edits = 1 + int(random, 4);
  for (let i = 0; i < edits; i++) {
    const at = int(random, headerEnd);
    switch (int(random, 4)) {
      case 0: bytes[at] = int(random, 256); break;
      case 1: bytes[at] = pick(random, [0x00, 0xff, 0x7f, 0x80, 0x01]); break;
      case 2: if (at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, pick(random, [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 16, 40]), true); break;
      default: return bytes.subarray(0, at);
    }
  }
  return bytes;
}

function checkWav(path: string): 'read' | 'refused' {
  let reader: WavReader | undefined;
  try {
    reader = WavReader.open(path);
    const buffer = Buffer.alloc(64 * 1024 - ((64 * 1024) % reader.format.blockAlign));
    let total = 0;
    for (let n = reader.read(buffer); n > 0; n = reader.read(buffer)) total += n;
    assert.ok(total <= readFileSync(path).length, 'never more audio than the file holds');
    return 'read';
  } catch (error) {
    assert.ok(error instanceof WavertError, `${path}: ${(error as Error).stack}`);
    assert.ok(error.message.length > 0 && !error.message.includes('\n'), `${path}: one sentence: ${error.message}`);
    return 'refused';
  } finally {
    reader?.close();
  }
}

describe('fuzz: WAV headers', () => {
  test('when seeded mutations of every fixture header are opened and read then each is read or refused with one sentence', (t) => {
    const random = new SeededRandom(SEED);
    const seeds = wavCases.filter((wavCase) => wavCase.good).map((wavCase) => wavCase.bytes);
    const path = join(dir, 'mutated.wav');
    const outcomes = { read: 0, refused: 0 };
    const started = performance.now();
    let cases = 0;
    while (performance.now() - started < BUDGET_MS && cases < CASES) {
      writeFileSync(path, mutateWav(random, pick(random, seeds)));
      outcomes[checkWav(path)]++;
      cases++;
    }
    t.diagnostic(`${cases} mutated headers: ${outcomes.read} read, ${outcomes.refused} refused`);
    assert.ok(cases >= 50, `only ${cases} cases ran`);
    assert.ok(outcomes.read > 0 && outcomes.refused > 0);
  });

  test('when 16 MB of empty JUNK chunks precede data then opening refuses it quickly, listing a bounded table', () => {
    const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
    const junk = Buffer.alloc(16 * 1024 * 1024);
    for (let offset = 0; offset < junk.length; offset += 8) junk.write('JUNK', offset, 'latin1');
    const base = simpleWav(format, fixtureAudio(format, 48));
    const hostile = Buffer.concat([base.subarray(0, 12), junk, base.subarray(12)]);
    writeFileSync(join(dir, 'junk.wav'), hostile);
    const heapBefore = process.memoryUsage().heapUsed;
    assert.throws(() => WavReader.open(join(dir, 'junk.wav')), /has more than 100000 chunks before its "data" chunk/);
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, 'the chunk table stays small');
    // a file with many (but not absurdly many) chunks is read, with its table bounded and a warning
    const many = riff([...Array.from({ length: 2000 }, () => chunk('JUNK', new Uint8Array(0))), chunk('fmt ', base.subarray(20, 36)), chunk('data', fixtureAudio(format, 48))]);
    writeFileSync(join(dir, 'many.wav'), many);
    const reader = WavReader.open(join(dir, 'many.wav'));
    assert.equal(reader.chunks.length, 1025);
    assert.equal(reader.chunks.at(-1)!.id, 'data');
    assert.match(reader.warnings.join('\n'), /more than 1024 chunks before "data"; only the first 1024 are listed/);
    reader.close();
  });
});

const SCENARIO_PIECES = [
  'name', 'input', 'type', 'sine', 'file', 'path', 'format', 'bitsPerSample', 'channels', 'sampleRate', 'durationMs', 'frames',
  'stream', 'bufferMs', 'notifications', 'timeline', 'atPacket', 'action', 'stall', 'expect', 'statuses', 'maxModelMs', 'seed',
  'constructor', '__proto__', 'toString', 'hasOwnProperty', '&a', '*a', '<<', '!!binary', '!!js/function', '[', ']', '{', '}', ':', ',', '-',
  '\n', '\n  ', ' ', '"', "'", '#', '0', '-1', '1e309', '0x10', '.inf', 'null', '~', 'true', '\u0000', '\u001b[2J', '\ufeff', '../../etc/passwd', '/proc/self/status',
];

function mutateScenario(random: SeededRandom, text: string): string {
  let result = text;
  const edits = 1 + int(random, 6);
  for (let i = 0; i < edits; i++) {
    const at = int(random, result.length + 1);
    switch (int(random, 3)) {
      case 0: result = result.slice(0, at) + pick(random, SCENARIO_PIECES) + result.slice(at); break;
      case 1: result = result.slice(0, at) + result.slice(at + 1 + int(random, 8)); break;
      default: result = result.slice(0, at) + pick(random, SCENARIO_PIECES) + result.slice(at + 1 + int(random, 4)); break;
    }
  }
  return result;
}

describe('fuzz: scenario files', () => {
  test('when seeded mutations of the scenario library are loaded then each loads or is refused with a ScenarioError naming the file', (t) => {
    const library = join(root, 'fixtures', 'scenarios');
    const seeds = readdirSync(library).filter((name) => name.endsWith('.yaml')).map((name) => readFileSync(join(library, name), 'utf8'));
    assert.ok(seeds.length > 5);
    const random = new SeededRandom(SEED);
    const outcomes = { loaded: 0, refused: 0 };
    const started = performance.now();
    let cases = 0;
    while (performance.now() - started < BUDGET_MS && cases < CASES) {
      const path = join(dir, `case-${cases % 8}.yaml`);
      const text = mutateScenario(random, pick(random, seeds));
      writeFileSync(path, text);
      try {
        loadScenario(path, `case-${cases}.yaml`);
        outcomes.loaded++;
      } catch (error) {
        assert.ok(error instanceof WavertError, `case ${cases}: ${(error as Error).stack}\n---\n${text}`);
        assert.ok(error.message.length > 0, `case ${cases}: an empty message\n---\n${text}`);
        assert.ok(error.message.split('\n').every((line) => line.startsWith(`case-${cases}.yaml`)), `case ${cases}: every line names the file: ${error.message}`);
        outcomes.refused++;
      }
      cases++;
    }
    t.diagnostic(`${cases} mutated scenarios: ${outcomes.loaded} loaded, ${outcomes.refused} refused`);
    assert.ok(cases >= 50, `only ${cases} cases ran`);
    assert.ok(outcomes.refused > 0);
  });

  test('when random bytes are loaded as a scenario then each is refused with a message, never another exception', () => {
    const random = new SeededRandom(SEED + 1);
    const path = join(dir, 'bytes.yaml');
    for (let i = 0; i < 300; i++) {
      writeFileSync(path, Buffer.from(Array.from({ length: int(random, 400) }, () => int(random, 256))));
      try {
        loadScenario(path, 'bytes.yaml');
      } catch (error) {
        assert.ok(error instanceof WavertError, (error as Error).stack);
        assert.ok(error.message.length > 0);
      }
    }
  });
});
