import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestWav } from './support/audio-files.js';
import { pcmFormat } from '../src/wav/index.js';

const distSrc = fileURLToPath(new URL('../src/', import.meta.url));

/** Renders in a fresh process through the CLI's render module; prints which optional modules got loaded. */
function loadedAfterRender(pipeline: string): { waveOut: boolean; usb: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-lazy-'));
  try {
    const input = writeTestWav(dir, 'in.wav', 4800, pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }));
    const script = `
      const { renderFileStoppable } = await import(${JSON.stringify(join(distSrc, 'render/render-file.js'))});
      const modules = await import(${JSON.stringify(join(distSrc, 'session/optional-modules.js'))});
      await renderFileStoppable(${JSON.stringify(input)}, ${JSON.stringify(join(dir, 'out.wav'))}, {}, undefined, ${pipeline},
        { keepPartial: false, stopOn: () => () => {}, describe: () => '' });
      const loaded = (get) => { try { get(); return true; } catch { return false; } };
      console.log(JSON.stringify({ waveOut: loaded(modules.loadedWaveOutModules), usb: loaded(modules.loadedUsbModules) }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    return JSON.parse(child.stdout) as { waveOut: boolean; usb: boolean };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('render loads the waveOut client and the USB transport only when used', () => {
  test('when a file is rendered with the packet client directly then neither waveOut nor USB is loaded', () => {
    assert.deepEqual(loadedAfterRender('{}'), { waveOut: false, usb: false });
  });

  test('when a file is rendered with --client waveout then waveOut is loaded and USB is not', () => {
    assert.deepEqual(loadedAfterRender(`{ client: { kind: 'waveout' } }`), { waveOut: true, usb: false });
  });

  test('when a file is rendered with --transport usb then USB is loaded and waveOut is not', () => {
    assert.deepEqual(loadedAfterRender(`{ transport: { kind: 'usb' } }`), { waveOut: false, usb: true });
  });
});
