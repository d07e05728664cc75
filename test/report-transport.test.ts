import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildTimeline } from '../src/report/timeline-report.js';
import { xOfTime } from '../src/report/timeline-svg.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wavert-report-transport-'));
  const scenarios = ['waveout-delay-refill', 'usb-drop-transfer'].map((name) => join(root, 'fixtures', 'scenarios', `${name}.yaml`));
  const result = spawnSync(process.execPath, [join(root, 'bin', 'wavert.js'), 'run', ...scenarios, '--out', dir, '--report'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function gapMarks(svg: string): Array<{ kind: string; startNs: number; endNs: number; x: number }> {
  return [...svg.matchAll(/<rect class="transport-gap [^"]*" data-kind="([^"]+)" data-count="\d+" data-start-ns="(\d+)" data-end-ns="(\d+)" x="([\d.]+)"/g)]
    .map((m) => ({ kind: m[1]!, startNs: Number(m[2]), endNs: Number(m[3]), x: Number(m[4]) }));
}

describe('timeline marks for glitches outside the WaveRT stream', () => {
  test('when the waveOut queue runs dry then the starved packets are one span where their silence played (500–560 ms)', async () => {
    const scenarioDir = join(dir, 'waveout-delay-refill');
    const marks = gapMarks(readFileSync(join(scenarioDir, 'timeline.svg'), 'utf8'));
    assert.deepEqual(marks.map(({ kind, startNs, endNs }) => ({ kind, startNs, endNs })), [{ kind: 'waveout-starved', startNs: 500_000_000, endNs: 560_000_000 }]);
    const timeline = await buildTimeline({ trace: join(scenarioDir, 'trace.ndjson') });
    assert.equal(marks[0]!.x, Math.round(xOfTime(timeline.panels[0]!, 500_000_000) * 100) / 100);
    const html = readFileSync(join(scenarioDir, 'report.html'), 'utf8');
    assert.match(html, /<td>waveout-starvation<\/td><td class="num">24000–26879<\/td><td class="num">2880<\/td><td class="num">500\.000 ms<\/td><td class="num">50–55<\/td>/);
  });

  test('when a USB transfer is dropped then its 8 empty frames are a gap on the bus clock, and the waveform is placed in device time', async () => {
    const scenarioDir = join(dir, 'usb-drop-transfer');
    const marks = gapMarks(readFileSync(join(scenarioDir, 'timeline.svg'), 'utf8'));
    assert.deepEqual(marks.map(({ kind, startNs, endNs }) => ({ kind, startNs, endNs })), [{ kind: 'usb-gap', startNs: 331_000_000, endNs: 339_000_000 }]);
    const timeline = await buildTimeline({ trace: join(scenarioDir, 'trace.ndjson') });
    assert.equal(timeline.deviceStartNs, 51_000_000, 'the first transfer plays 51 ms in');
  });
});
