import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScenarioError } from '../src/errors.js';
import { loadScenario, runScenario } from '../src/scenario/index.js';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'wavert-waveout-scenario-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

const input = `input:
  type: counter
  format: { bitsPerSample: 16, channels: 2, sampleRate: 48000 }
  frames: 9600
`;

function write(name: string, text: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, text);
  return path;
}

function loadError(path: string): string {
  try {
    loadScenario(path);
  } catch (error) {
    assert.ok(error instanceof ScenarioError);
    return error.message;
  }
  assert.fail('the scenario loaded');
}

describe('scenarios: waveOut and USB selection', () => {
  test('when a waveOut action is used with the packet client then the scenario is refused naming the line and what it needs', () => {
    const path = write('needs-waveout', `${input}timeline:\n  - atMs: 10\n    action: waveout-reset\n`);
    assert.match(loadError(path), /needs-waveout\.yaml:\d+:\d+: .*waveout-reset needs client\.kind: waveout/);
  });

  test('when a USB action is used without transport usb then the scenario is refused', () => {
    const path = write('needs-usb', `${input}timeline:\n  - atMs: 10\n    action: usb-drop-transfer\n`);
    assert.match(loadError(path), /usb-drop-transfer needs transport\.kind: usb/);
  });

  test('when waveOut options or expectations come without client.kind waveout then the scenario is refused', () => {
    assert.match(loadError(write('hdr', `${input}client: { wavehdrs: 3 }\n`)), /client\.wavehdrs/);
    assert.match(loadError(write('expect-wo', `${input}expect:\n  waveOut: { headersDone: 1 }\n`)), /expect\.waveOut/);
    assert.match(loadError(write('expect-usb', `${input}expect:\n  usb: { frames: 1 }\n`)), /expect\.usb/);
    assert.match(loadError(write('usb-speed', `${input}transport: { kind: direct, speed: full }\n`)), /transport\.speed/);
  });

  test('when a waveOut scenario loads then its client and transport reach the run config', () => {
    const scenario = loadScenario(write('ok', `${input}client: { kind: waveout, wavehdrBytes: 3840, wavehdrs: 3, refillLatency: { distribution: fixed, valueMs: 1 } }\ntransport: { kind: usb, speed: high, interval: 4 }\n`));
    assert.deepEqual(scenario.pipeline.transport, { kind: 'usb', speed: 'high', interval: 4, maxBytesPerInterval: undefined });
    assert.equal(scenario.pipeline.client.kind, 'waveout');
    assert.deepEqual(scenario.pipeline.client.kind === 'waveout' && scenario.pipeline.client.refillLatency, { kind: 'fixed', valueNs: 1_000_000 });
  });

  test('when a scenario expects return values and a DONE order then each is reported with expected and actual', async () => {
    const path = write('expect-results', `${input}client: { kind: waveout, wavehdrBytes: 9600, wavehdrs: 2 }
timeline:
  - atMs: 20
    action: waveout-write-unprepared
  - atMs: 30
    action: waveout-unprepare-queued
expect:
  waveOut:
    results: { WAVERR_UNPREPARED: 1, WAVERR_STILLPLAYING: 1, MMSYSERR_INVALPARAM: 0 }
    doneOrder: [1, 0, 1]
`);
    const summary = await runScenario(loadScenario(path), { outDir: join(dir, 'out') });
    const byName = Object.fromEntries(summary.expectations.map((e) => [e.name, e]));
    assert.equal(byName['waveOut.results.WAVERR_UNPREPARED']!.held, true);
    assert.equal(byName['waveOut.results.WAVERR_STILLPLAYING']!.held, true);
    assert.equal(byName['waveOut.results.MMSYSERR_INVALPARAM']!.held, true);
    assert.deepEqual({ ...byName['waveOut.doneOrder'] }, { name: 'waveOut.doneOrder', line: 14, expected: '1, 0, 1', actual: '0, 1, 0', held: false });
    assert.deepEqual(summary.actions.map((a) => a.result), [{ result: 'WAVERR_UNPREPARED' }, { header: 0, result: 'WAVERR_STILLPLAYING' }]);
  });
});
