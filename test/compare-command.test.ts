import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { runScenarioFile } from '../src/scenario/index.js';
import { captureIo } from './support/audio-files.js';
import { pcmFormat } from '../src/wav/index.js';
import { parseXml, findAll, hasClass } from './report-support.js';
import { concat, frames, referenceAudio, silence, writeWav, RATE } from './support/recordings.js';

// `wavert compare` as a user runs it: the text, --json, --report, --model, and the exit codes 0 / 1 / 2.

const dir = mkdtempSync(join(tmpdir(), 'wavert-compare-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ref = referenceAudio(RATE, 5);

describe('wavert compare', () => {
  before(() => {
    writeWav(join(dir, 'ref.wav'), ref);
    writeWav(join(dir, 'same.wav'), concat(silence(4800), ref));
    writeWav(join(dir, 'gap.wav'), concat(frames(ref, 0, 9600), silence(480), frames(ref, 9600, RATE)));
    writeFileSync(join(dir, 'not-a-wav.wav'), 'hello');
    writeWav(join(dir, 'mono.wav'), new Int16Array(4800).fill(7), pcmFormat({ bitsPerSample: 16, channels: 1, sampleRate: RATE }));
  });

  test('when the recording holds the reference after 100 ms of silence then it says exact and exits 0', async () => {
    const capture = captureIo(dir);
    assert.equal(await main(['compare', 'same.wav', 'ref.wav'], capture.io), 0, capture.stderr());
    assert.equal(capture.stdout(), [
      'heard        same.wav: PCM 16-bit, 2 ch, 48000 Hz, 52800 frames',
      'reference    ref.wav: PCM 16-bit, 2 ch, 48000 Hz, 48000 frames',
      'alignment    reference frame 0 is heard frame 4800 (0.100 s in); leading silence 4800 frames, trailing silence 0 frames; compared as 16-bit integers',
      'result       exact: the recording holds the reference, frame for frame',
      '',
    ].join('\n'));
  });

  test('when silence is inserted then it lists the gap to the frame and exits 1; --json has departures', async () => {
    const capture = captureIo(dir);
    assert.equal(await main(['compare', 'gap.wav', 'ref.wav'], capture.io), 1);
    assert.match(capture.stdout(), /^result {7}1 departure: gap 1\n {2}gap {4}heard 9600 \(0\.200 s\), reference 9600: 480 frames of silence inserted; realigns at heard 10080 \/ reference 9600$/m);
    const json = captureIo(dir);
    assert.equal(await main(['compare', 'gap.wav', 'ref.wav', '--json'], json.io), 1);
    const result = JSON.parse(json.stdout()) as { exact: boolean; departures: Array<Record<string, unknown>>; departureCounts: Record<string, number> };
    assert.equal(result.exact, false);
    assert.deepEqual(result.departures, [{ kind: 'gap', heardFrame: 9600, referenceFrame: 9600, heardFrames: 480, referenceFrames: 0, realign: { heardFrame: 10_080, referenceFrame: 9600 }, frameCount: 480 }]);
    assert.equal(result.departureCounts.gap, 1);
  });

  test('when --report is .svg or .html then it draws both waveforms around each departure', async () => {
    for (const report of ['gap.svg', 'gap.html']) {
      const capture = captureIo(dir);
      assert.equal(await main(['compare', 'gap.wav', 'ref.wav', '--report', report], capture.io), 1);
      const text = readFileSync(join(dir, report), 'utf8');
      const svg = report.endsWith('.svg') ? text : /<svg [\s\S]*<\/svg>/.exec(text)![0];
      const root = parseXml(svg);
      const groups = findAll(root, (e) => e.name === 'g' && hasClass(e, 'departure'));
      assert.deepEqual(groups.map((g) => [g.attributes['data-kind'], g.attributes['data-heard-frame']]), [['gap', '9600']]);
      assert.equal(findAll(groups[0]!, (e) => hasClass(e, 'waveform')).length, 2, 'reference and heard');
      if (report.endsWith('.html')) assert.match(text, /<tr class="departure kind-gap"><td>gap<\/td><td class="num">9600<\/td>/);
    }
  });

  test('when --model names the run that was recorded then each departure carries the glitch that explains it', async () => {
    writeFileSync(join(dir, 'stall.yaml'), `name: stall\ninput: { type: file, path: ref.wav }\nstream: { bufferMs: 20, notifications: 2, underflow: silence }\ntimeline:\n  - { atPacket: 10, action: stall, durationPackets: 1.5 }\n`);
    const run = await runScenarioFile(join(dir, 'stall.yaml'), { outDir: join(dir, 'out') });
    assert.equal(run.status, 'passed', run.message ?? '');
    writeWav(join(dir, 'heard-stall.wav'), concat(silence(1000), new Int16Array(readFileSync(join(dir, 'out', 'stall', 'rendered.wav')).buffer.slice(44))));
    for (const model of ['out/stall/trace.ndjson', 'out/stall/summary.json']) {
      const capture = captureIo(dir);
      assert.equal(await main(['compare', 'heard-stall.wav', 'ref.wav', '--model', model], capture.io), 1, capture.stderr());
      assert.match(capture.stdout(), /^ {2}gap {4}heard 6280 \(0\.131 s\), reference 5280: 480 frames of silence inserted; realigns at heard 6760 \/ reference 5280; model: underflow-silence at output frame 5280 \(packet 11\)$/m);
      assert.match(capture.stdout(), /^model {8}1 of 1 departures explained by a model glitch; 0 model glitches not heard as a departure; the run's frame 0 is heard frame 1000$/m);
    }
  });

  test('when the run lost its first packet (N = 1) then --model still lines the recording up with the run and explains both ends', async () => {
    const render = captureIo(dir);
    assert.equal(await main(['render', join(dir, 'ref.wav'), '-o', join(dir, 'n1.wav'), '--notifications', '1', '--trace', join(dir, 'n1.ndjson')], render.io), 0, render.stderr());
    const capture = captureIo(dir);
    assert.equal(await main(['compare', 'n1.wav', 'ref.wav', '--model', 'n1.ndjson', '--json'], capture.io), 1);
    const result = JSON.parse(capture.stdout()) as { offsetFrames: number; modelStartFrame: number; modelGlitchesUnmatched: number; departures: Array<{ kind: string; model: { kind: string } | null }> };
    assert.equal(result.offsetFrames, -960, 'the first packet (960 frames) never played');
    assert.equal(result.modelStartFrame, 0);
    assert.deepEqual(result.departures.map((d) => [d.kind, d.model?.kind ?? null]), [['drop', 'overwrite-in-transfer'], ['repeat', 'overwrite-in-transfer']]);
    assert.equal(result.modelGlitchesUnmatched, 0);
  });

  test('when an input is bad then it exits 2 with one sentence, and writes no report', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['compare', 'missing.wav', 'ref.wav'], /^wavert: cannot open missing\.wav: no such file/],
      [['compare', 'not-a-wav.wav', 'ref.wav'], /^wavert: not-a-wav\.wav: /],
      [['compare', 'gap.wav', 'ref.wav', '--report', 'x.png'], /^wavert: the report x\.png must end in \.svg/],
      [['compare', 'gap.wav', 'ref.wav', '--model', 'ref.wav'], /^wavert: ref\.wav:1: not a JSON line/],
      [['compare', 'gap.wav', 'ref.wav', '--search-seconds', 'soon'], /^wavert: --search-seconds must be a number of seconds/],
      [['compare', '-', 'ref.wav'], /^wavert: compare reads each file twice .*not - \(stdin\)$/m],
      [['compare', 'mono.wav', 'ref.wav'], /^wavert: cannot compare: mono\.wav has 1 channel\(s\) and ref\.wav has 2; the channel counts must match$/m],
    ];
    for (const [args, message] of cases) {
      const capture = captureIo(dir);
      assert.equal(await main(args, capture.io), 2, args.join(' '));
      assert.match(capture.stderr(), message, args.join(' '));
      // one sentence; a usage error adds where the help is
      const lines = capture.stderr().split('\n').filter(Boolean);
      assert.ok(lines.length === 1 || (lines.length === 2 && lines[1] === "See 'wavert compare --help'."), capture.stderr());
      assert.equal(capture.stdout(), '');
    }
    assert.equal(existsSync(join(dir, 'x.png')), false);
  });
});
