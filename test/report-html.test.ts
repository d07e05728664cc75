import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeReport, writeScenarioReport } from '../src/report/timeline-report.js';
import { glitchRun, commandExists, runChromium, parseXml, findAll, hasClass, type GlitchRun } from './report-support.js';

const SCENARIO_TEXT = `name: stall-45ms
steps:
  - at: 45ms
    stall: 25ms   # the client sleeps through packets 6 and 7
expect:
  - underruns >= 1 <and> status DATA_LATE_ERROR
`;

describe('HTML report of a run where the client stalls from 45 ms to 70 ms', () => {
  let run: GlitchRun;
  let htmlPath: string;
  let html: string;

  before(async () => {
    run = glitchRun({ seconds: 0.2, stallAtMs: [45] });
    htmlPath = join(run.dir, 'report.html');
    await writeReport(htmlPath, {
      trace: run.tracePath,
      wavPath: run.wavPath,
      scenario: {
        name: 'stall-45ms',
        text: SCENARIO_TEXT,
        expectations: [
          { description: 'underruns >= 1', passed: true, detail: '1 event' },
          { description: 'no STATUS_DATA_LATE_ERROR', passed: false, detail: '1 late write' },
          'output frames = 9600',
        ],
      },
    });
    html = readFileSync(htmlPath, 'utf8');
  });
  after(() => run.cleanup());

  test('when the report is written then it is one HTML page with the timeline SVG inline and its style inline', () => {
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.equal((html.match(/<svg /g) ?? []).length, 1);
    assert.match(html, /<style>[\s\S]*@media print[\s\S]*<\/style>/);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import/i);
  });

  test('when the page is searched for references then there is no URL at all: no http(s), no src or href, url() only to its own patterns', () => {
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /\s(src|href|xlink:href)\s*=/i);
    for (const [, target] of html.matchAll(/url\(([^)]*)\)/g)) assert.match(target!, /^#[\w-]+$/);
  });

  test('when the summary is shown then the statuses, the underrun and the EOS from the summary event are in its table', () => {
    const summary = /<table class="summary">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    assert.match(summary, /STATUS_SUCCESS 20/);
    assert.match(summary, /STATUS_DATA_LATE_ERROR 1/);
    assert.match(summary, /1 event, 2 packets, 960 frames \(repeat\)/);
    assert.match(summary, /packet 21, last packet 1920 bytes, at 220\.000 ms/);
    assert.match(summary, /1920 bytes/);
  });

  test('when the glitches are listed then packets 6–7 underflow from 60 to 80 ms and packet 6 is written late at 70 ms', () => {
    assert.match(html, /<p class="glitch-counts">1 glitch: underflow-repeat 1<\/p>/);
    assert.match(html, /<td>underflow-repeat<\/td><td class="num">\d+–\d+<\/td><td class="num">960<\/td><td class="num">60\.000 ms<\/td><td class="num">6–7<\/td><td>packets 6–7 began transferring unwritten/);
    assert.doesNotMatch(html, /No glitches/);
    assert.match(html, /<td class="num">6<\/td><td class="num">70\.000 ms<\/td><td>.*STATUS_DATA_LATE_ERROR<\/td><td class="num">-10\.000 ms<\/td>/);
  });

  test('when a scenario is given then its text (escaped) and its expectations with pass, FAIL and not checked are shown', () => {
    assert.match(html, /<h2>Scenario: stall-45ms<\/h2>/);
    assert.ok(html.includes('underruns &gt;= 1 &lt;and&gt; status DATA_LATE_ERROR'));
    assert.match(html, /<span class="pass">pass<\/span><\/td><td>underruns &gt;= 1<\/td><td>1 event<\/td>/);
    assert.match(html, /<span class="fail">FAIL<\/span><\/td><td>no STATUS_DATA_LATE_ERROR<\/td>/);
    assert.match(html, /<span class="skip">not checked<\/span><\/td><td>output frames = 9600<\/td>/);
  });

  test('when the inline SVG is cut out of the page then it is well-formed XML with the same marks as the SVG report', () => {
    const svg = /<svg [\s\S]*<\/svg>/.exec(html)![0];
    const root = parseXml(svg);
    assert.equal(findAll(root, (e) => hasClass(e, 'write')).length, 21);
    assert.equal(findAll(root, (e) => hasClass(e, 'eos-write')).length, 1);
    assert.equal(findAll(root, (e) => hasClass(e, 'underflow')).length, 1);
  });

  test('when headless Chromium opens the page then it logs no console error and its DOM has the timeline, the tables and the scenario', (t) => {
    if (!commandExists('chromium')) {
      t.skip('chromium not installed (apt-get install chromium)');
      return;
    }
    const result = runChromium(['--enable-logging=stderr', '--v=0', '--dump-dom', `file://${htmlPath}`]);
    assert.equal(result.status, 0, result.stderr.slice(-2000));
    const consoleLines = result.stderr.split('\n').filter((line) => /:CONSOLE[:(]/.test(line) || /Uncaught/.test(line));
    assert.deepEqual(consoleLines, []);
    assert.match(result.stdout, /<section id="timeline">/);
    assert.match(result.stdout, /<svg [^>]*role="img"/);
    assert.match(result.stdout, /<table class="summary">/);
    assert.match(result.stdout, /<table class="expectations">/);
    assert.match(result.stdout, /class="write status-late"/);
  });

  test('when headless Chromium prints the page then it produces a PDF', (t) => {
    if (!commandExists('chromium')) {
      t.skip('chromium not installed (apt-get install chromium)');
      return;
    }
    const pdfPath = join(run.dir, 'report.pdf');
    const result = runChromium(['--no-pdf-header-footer', `--print-to-pdf=${pdfPath}`, `file://${htmlPath}`]);
    assert.equal(result.status, 0, result.stderr.slice(-2000));
    assert.ok(existsSync(pdfPath));
    assert.equal(readFileSync(pdfPath).subarray(0, 5).toString('latin1'), '%PDF-');
  });
});

describe('scenario report for wavert run', () => {
  test('when a scenario directory has rendered.wav then timeline.svg is written next to it with the waveform, and report.html on request', async () => {
    const run = glitchRun({ seconds: 0.1, stallAtMs: [45] });
    try {
      const written = await writeScenarioReport(run.dir, run.events, run.summary, SCENARIO_TEXT, ['underruns >= 1'], { html: true, name: 'stall-45ms' });
      assert.deepEqual(written, [join(run.dir, 'timeline.svg'), join(run.dir, 'report.html')]);
      const svg = readFileSync(written[0]!, 'utf8');
      const root = parseXml(svg);
      assert.equal(findAll(root, (e) => hasClass(e, 'waveform')).length, 1);
      assert.match(readFileSync(written[1]!, 'utf8'), /<h2>Scenario: stall-45ms<\/h2>/);
    } finally {
      run.cleanup();
    }
  });
});

describe('HTML report of a run through waveOut and a USB pipe', () => {
  test('when the run used waveOut and USB then the summary table has a waveOut row and a USB row', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { spawnSync } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const { writeTestWav } = await import('./support/audio-files.js');
    const { pcmFormat } = await import('../src/wav/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'wavert-html-wo-'));
    try {
      const input = writeTestWav(dir, 'in.wav', 44100, pcmFormat({ channels: 2, sampleRate: 44100, bitsPerSample: 16 }));
      const report = join(dir, 'run.html');
      const bin = fileURLToPath(new URL('../../bin/wavert.js', import.meta.url));
      const result = spawnSync(process.execPath, [bin, 'render', input, '-o', join(dir, 'out.wav'), '--client', 'waveout', '--transport', 'usb', '--report', report], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const html = readFileSync(report, 'utf8');
      assert.match(html, /<tr><th>waveOut<\/th><td>4 headers of \d+ bytes: \d+ of \d+ writes DONE, 0 starved packets/);
      assert.match(html, /<tr><th>USB<\/th><td>full speed, interval 1, \d+ bytes max: \d+ frames \(\d+–\d+ bytes each\), 0 empty, 0 discontinuities/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
