import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { reportCommand } from '../src/cli/report.js';
import { glitchRun, parseXml, findAll, hasClass, type GlitchRun } from './report-support.js';
import { captureIo } from './support/audio-files.js';


describe('wavert report', () => {
  let run: GlitchRun;
  before(() => {
    run = glitchRun({ seconds: 0.2, stallAtMs: [45] });
  });
  after(() => run.cleanup());

  test('when given a trace, -o timeline.svg and --wav then it writes the SVG with the waveform and says what it drew', async () => {
    const capture = captureIo(run.dir);
    assert.equal(await main(['report', 'trace.ndjson', '-o', 'timeline.svg', '--wav', 'rendered.wav'], capture.io), 0, capture.stderr());
    assert.equal(capture.stdout(), 'wrote timeline.svg: the whole run\n');
    const root = parseXml(readFileSync(join(run.dir, 'timeline.svg'), 'utf8'));
    assert.equal(findAll(root, (e) => hasClass(e, 'waveform')).length, 1);
  });

  test('when given -o report.html and --scenario then it writes the HTML page with the script in it', async () => {
    writeFileSync(join(run.dir, 'stall.yaml'), 'name: stall\n');
    const capture = captureIo(run.dir);
    assert.equal(await reportCommand('trace.ndjson', { output: 'report.html', scenario: 'stall.yaml' }, capture.io), 0);
    assert.equal(capture.stdout(), 'wrote report.html: the whole run, no waveform (no --wav)\n');
    const html = readFileSync(join(run.dir, 'report.html'), 'utf8');
    assert.match(html, /<pre class="scenario-text">name: stall\n<\/pre>/);
  });

  test('when the output is neither .svg nor .html then exit 2 with one sentence naming the file', async () => {
    const capture = captureIo(run.dir);
    assert.equal(await main(['report', 'trace.ndjson', '-o', 'timeline.png'], capture.io), 2);
    assert.equal(capture.stderr(), "wavert: the report timeline.png must end in .svg (the timeline) or .html (the timeline, summary and scenario), not '.png'\nSee 'wavert report --help'.\n");
    assert.equal(existsSync(join(run.dir, 'timeline.png')), false);
  });

  test('when a trace line is not JSON then exit 2 naming the file and the line, and no report is left behind', async () => {
    const lines = readFileSync(run.tracePath, 'utf8').split('\n');
    lines[2] = '{"event":"write", truncated';
    writeFileSync(join(run.dir, 'broken.ndjson'), lines.join('\n'));
    const capture = captureIo(run.dir);
    assert.equal(await main(['report', 'broken.ndjson', '-o', 'broken.svg'], capture.io), 2);
    assert.equal(capture.stderr(), `wavert: ${join(run.dir, 'broken.ndjson')}:3: not a JSON line, so not an NDJSON trace written by wavert --trace\n`);
    assert.equal(existsSync(join(run.dir, 'broken.svg')), false);
  });

  test('when the trace does not start with the stream event then exit 2 saying which event line 1 holds', async () => {
    const lines = readFileSync(run.tracePath, 'utf8').split('\n');
    writeFileSync(join(run.dir, 'headless.ndjson'), lines.slice(1).join('\n'));
    const capture = captureIo(run.dir);
    assert.equal(await main(['report', 'headless.ndjson', '-o', 'x.svg'], capture.io), 2);
    assert.equal(capture.stderr(), `wavert: ${join(run.dir, 'headless.ndjson')}:1: the first event is 'state', not the 'stream' event that carries the stream config\n`);
  });

  test('when the trace is empty or missing then exit 2 with one sentence naming it', async () => {
    writeFileSync(join(run.dir, 'empty.ndjson'), '');
    const capture = captureIo(run.dir);
    assert.equal(await main(['report', 'empty.ndjson', '-o', 'x.svg'], capture.io), 2);
    assert.equal(capture.stderr(), `wavert: ${join(run.dir, 'empty.ndjson')} is empty: a wavert trace starts with a 'stream' event\n`);
    const missing = captureIo(run.dir);
    assert.equal(await main(['report', 'missing.ndjson', '-o', 'x.svg'], missing.io), 2);
    assert.equal(missing.stderr(), `wavert: cannot open the trace ${join(run.dir, 'missing.ndjson')}: no such file\n`);
  });

  test('when a line lacks timeNs then exit 2 naming the line and the event', async () => {
    const lines = readFileSync(run.tracePath, 'utf8').split('\n');
    lines[1] = '{"event":"state","from":"STOP","to":"ACQUIRE"}';
    writeFileSync(join(run.dir, 'untimed.ndjson'), lines.join('\n'));
    const capture = captureIo(run.dir);
    assert.equal(await main(['report', 'untimed.ndjson', '-o', 'x.svg'], capture.io), 2);
    assert.equal(capture.stderr(), `wavert: ${join(run.dir, 'untimed.ndjson')}:2: the 'state' event has no numeric 'timeNs'\n`);
  });
});

describe('wavert render --report', () => {
  let run: GlitchRun;
  before(() => {
    run = glitchRun({ seconds: 0.1, stallAtMs: [] });
  });
  after(() => run.cleanup());

  const temporaryTraces = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith(`wavert-report-${process.pid}-`));

  test('when render gets --report x.svg without --trace then the SVG has the run and its waveform, and the temporary trace is removed', async () => {
    const capture = captureIo(run.dir);
    assert.equal(await main(['render', run.wavPath, '-o', join(run.dir, 'again.wav'), '--report', join(run.dir, 'again.svg')], capture.io), 0, capture.stderr());
    const root = parseXml(readFileSync(join(run.dir, 'again.svg'), 'utf8'));
    assert.equal(findAll(root, (e) => hasClass(e, 'waveform')).length, 1);
    assert.ok(findAll(root, (e) => e.name === 'circle' && hasClass(e, 'write')).length > 5);
    assert.deepEqual(temporaryTraces(), []);
  });

  test('when render gets --report x.html and --trace then both are written', async () => {
    const capture = captureIo(run.dir);
    assert.equal(await main(['render', run.wavPath, '-o', join(run.dir, 'again.wav'), '--trace', join(run.dir, 'again.ndjson'), '--report', join(run.dir, 'again.html')], capture.io), 0, capture.stderr());
    assert.ok(existsSync(join(run.dir, 'again.ndjson')));
    assert.match(readFileSync(join(run.dir, 'again.html'), 'utf8'), /<table class="summary">/);
  });

  test('when render gets --report with another extension then exit 2 before anything runs', async () => {
    const capture = captureIo(run.dir);
    assert.equal(await main(['render', run.wavPath, '-o', join(run.dir, 'never.wav'), '--report', join(run.dir, 'never.pdf')], capture.io), 2);
    assert.match(capture.stderr(), /never\.pdf must end in \.svg/);
    assert.equal(existsSync(join(run.dir, 'never.wav')), false);
  });
});

describe('wavert play --report', () => {
  test('when play gets --report x.svg with --record then the SVG holds the real-time run and the recorded waveform, and no temporary trace is left', async () => {
    const run = glitchRun({ seconds: 0.05, stallAtMs: [] });
    try {
      const capture = captureIo(run.dir);
      const args = ['play', run.wavPath, '--sink', 'null', '-q', '--record', join(run.dir, 'played.wav'), '--report', join(run.dir, 'played.svg')];
      assert.equal(await main(args, capture.io), 0, capture.stderr());
      const root = parseXml(readFileSync(join(run.dir, 'played.svg'), 'utf8'));
      assert.equal(findAll(root, (e) => hasClass(e, 'waveform')).length, 1);
      assert.ok(findAll(root, (e) => e.name === 'circle' && hasClass(e, 'write')).length >= 5, 'the writes of a real-time run vary; at least one per packet');
      assert.ok(findAll(root, (e) => hasClass(e, 'other-event')).some((e) => e.attributes['data-event'] === 'sink'));
      assert.deepEqual(readdirSync(tmpdir()).filter((name) => name.startsWith(`wavert-report-${process.pid}-`)), []);
    } finally {
      run.cleanup();
    }
  });
});
