import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarioFile } from '../src/scenario/runner.js';
import { scenarioReportHook } from '../src/report/scenario-report.js';
import { xOfTime } from '../src/report/timeline-svg.js';
import { parseXml, findAll, hasClass, type XmlElement } from './report-support.js';

// The report draws the run's glitch list (DESIGN §13): one region per glitch, labelled by kind, and the HTML table.

const LIBRARY = join(process.cwd(), 'fixtures', 'scenarios');
const dir = mkdtempSync(join(tmpdir(), 'wavert-report-glitches-'));
const outDir = join(dir, 'out');
after(() => rmSync(dir, { recursive: true, force: true }));

function load(name: string): { svg: XmlElement; html: string; summary: { glitches: Array<{ kind: string; startFrame: number; frameCount: number; timeNs: number }>; modelTimeNs: number } } {
  const folder = join(outDir, name);
  return {
    svg: parseXml(readFileSync(join(folder, 'timeline.svg'), 'utf8')),
    html: readFileSync(join(folder, 'report.html'), 'utf8'),
    summary: JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8')),
  };
}

describe('report of the glitch list', () => {
  before(async () => {
    for (const name of ['n1-mid-transfer-overwrite', 'eos-blip-no-fill', 'client-stall-1.5-packets', 'clean-playback']) {
      const result = await runScenarioFile(join(LIBRARY, `${name}.yaml`), { outDir, report: scenarioReportHook });
      assert.equal(result.status, 'passed', JSON.stringify(result.expectations.filter((e) => !e.held)));
    }
  });

  test('when N = 1 overwrites packets mid-transfer then each glitch is a region at its time, labelled overwrite-in-transfer', () => {
    const { svg, summary } = load('n1-mid-transfer-overwrite');
    const [panel] = findAll(svg, (e) => e.name === 'g' && hasClass(e, 'panel'));
    const scale = { startNs: Number(panel!.attributes['data-start-ns']), endNs: Number(panel!.attributes['data-end-ns']) };
    const regions = findAll(svg, (e) => hasClass(e, 'glitch'));
    assert.deepEqual(regions.map((e) => [e.attributes['data-kind'], Number(e.attributes['data-start-frame']), Number(e.attributes['data-frame-count'])]),
      summary.glitches.map((g) => [g.kind, g.startFrame, g.frameCount]));
    assert.deepEqual(regions.map((e) => Number(e.attributes['data-start-frame'])), [96, 576, 1056, 1536]);
    // 96 frames at 48 kHz: 2 ms in
    assert.ok(Math.abs(Number(regions[0]!.attributes.x) - xOfTime(scale, 2e6)) < 0.011);
    assert.equal(findAll(svg, (e) => hasClass(e, 'glitch-label')).filter((e) => e.attributes['data-kind'] === 'overwrite-in-transfer').length, 4);
  });

  test('when the FIFO plays stale bytes past EOS then the HTML glitch table lists eos-overshoot and never says "No glitches"', () => {
    const { html } = load('eos-blip-no-fill');
    assert.match(html, /<p class="glitch-counts">1 glitch: eos-overshoot 1<\/p>/);
    assert.match(html, /<td>eos-overshoot<\/td><td class="num">2020–2083<\/td><td class="num">64<\/td>/);
    assert.doesNotMatch(html, /No glitches|No underflows/);
  });

  test('when a run is clean then the glitch section says "No glitches" and the timeline has no glitch region', () => {
    const { svg, html } = load('clean-playback');
    assert.match(html, /<p class="no-glitches">No glitches/);
    assert.equal(findAll(svg, (e) => hasClass(e, 'glitch')).length, 0);
  });

  test('when a scenario stalls the client then the stall action is labelled, the EOS write is a square and the header gives the summary\'s model time', () => {
    const { svg, html, summary } = load('client-stall-1.5-packets');
    const labels = findAll(svg, (e) => hasClass(e, 'other-label')).map((e) => e.text);
    assert.ok(labels.includes('stall'), labels.join(', '));
    assert.equal(findAll(svg, (e) => hasClass(e, 'eos-write')).length, 1);
    const texts = findAll(svg, (e) => e.name === 'text').map((e) => e.text);
    assert.ok(texts.some((text) => text.includes(`${(summary.modelTimeNs / 1e6).toFixed(3)} ms of model time`)), 'model time from the summary');
    assert.doesNotMatch(html, /in-memory trace/);
    assert.match(html, /<p class="meta">scenario run · /);
  });
});
