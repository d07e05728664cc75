import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarioFile, type ScenarioReportHook } from '../src/scenario/runner.js';
import { scenarioReportHook } from '../src/report/scenario-report.js';
import { xOfTime } from '../src/report/timeline-svg.js';
import { parseXml, findAll, hasClass } from './report-support.js';

const SCENARIO = `name: stall-report
description: the client sleeps through packets 6 and 7
input: { type: sine, format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }, durationMs: 200 }
stream: { bufferMs: 20, notifications: 2, fifoBytes: 1920 }
timeline:
  - atMs: 45
    action: stall
    durationMs: 25
expect:
  underrun: { events: 1 }
  statuses: { STATUS_DATA_LATE_ERROR: 1 }
`;

test('when a scenario runs with the report hook then its folder gets timeline.svg (marks at the scenario times) and report.html with the script and expectations', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-report-scenario-'));
  try {
    const hook: ScenarioReportHook = scenarioReportHook;
    const file = join(dir, 'stall-report.yaml');
    writeFileSync(file, SCENARIO);
    const result = await runScenarioFile(file, { outDir: join(dir, 'out'), report: hook });
    assert.equal(result.status, 'passed', result.message ?? JSON.stringify(result.expectations));
    const folder = join(dir, 'out', 'stall-report');
    assert.deepEqual(readdirSync(folder).sort(), ['rendered.wav', 'report.html', 'summary.json', 'timeline.svg', 'trace.ndjson']);
    const root = parseXml(readFileSync(join(folder, 'timeline.svg'), 'utf8'));
    const [panel] = findAll(root, (e) => e.name === 'g' && hasClass(e, 'panel'));
    const scale = { startNs: Number(panel!.attributes['data-start-ns']), endNs: Number(panel!.attributes['data-end-ns']) };
    const [span] = findAll(root, (e) => hasClass(e, 'underflow'));
    assert.equal(span!.attributes['data-first-packet'], '6');
    assert.ok(Math.abs(Number(span!.attributes.x) - xOfTime(scale, 60e6)) < 0.011);
    const [late] = findAll(root, (e) => hasClass(e, 'status-late'));
    assert.ok(Math.abs(Number(late!.attributes.cx) - xOfTime(scale, 70e6)) < 0.011);
    assert.equal(findAll(root, (e) => hasClass(e, 'waveform')).length, 1);
    // the runner's own trace events (scenario, action, expectations) show as other events
    assert.deepEqual(findAll(root, (e) => hasClass(e, 'other-event')).map((e) => e.attributes['data-event']), ['scenario', 'action', 'expectations']);
    const html = readFileSync(join(folder, 'report.html'), 'utf8');
    assert.match(html, /<h2>Scenario: stall-report<\/h2>/);
    assert.ok(html.includes('the client sleeps through packets 6 and 7'));
    assert.match(html, /<span class="pass">pass<\/span><\/td><td>[^<]*STATUS_DATA_LATE_ERROR/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
