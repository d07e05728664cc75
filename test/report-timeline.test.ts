import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTimeline } from '../src/report/timeline-report.js';
import { renderTimelineSvg, xOfTime, COLORS, PLOT_LEFT, PLOT_WIDTH } from '../src/report/timeline-svg.js';
import type { Timeline } from '../src/report/timeline-model.js';
import { glitchRun, parseXml, findAll, hasClass, commandExists, SAMPLE_RATE, AMPLITUDE, type GlitchRun, type XmlElement } from './report-support.js';

const MS = 1e6;
const near = (actual: string | undefined, expected: number, what: string): void => {
  assert.ok(actual !== undefined, `${what}: attribute missing`);
  assert.ok(Math.abs(Number(actual) - expected) <= 0.011, `${what}: ${actual} is not ${expected.toFixed(3)}`);
};

function panelScale(root: XmlElement, id: string): { element: XmlElement; startNs: number; endNs: number } {
  const [element] = findAll(root, (e) => e.name === 'g' && e.attributes.id === `panel-${id}`);
  assert.ok(element, `panel ${id} exists`);
  return { element, startNs: Number(element.attributes['data-start-ns']), endNs: Number(element.attributes['data-end-ns']) };
}

/** Path data as a list of [command, x, y] with absolute coordinates (our paths use M, L, H, V only). */
function pathPoints(d: string): Array<[string, number, number]> {
  const points: Array<[string, number, number]> = [];
  let x = 0;
  let y = 0;
  for (const [, command, args] of d.matchAll(/([MLHV])([^MLHV]*)/g)) {
    const numbers = args!.trim().split(/[\s,]+/).map(Number);
    if (command === 'H') x = numbers[0]!;
    else if (command === 'V') y = numbers[0]!;
    else [x, y] = [numbers[0]!, numbers[1]!];
    points.push([command!, x, y]);
  }
  return points;
}

describe('timeline of a short run where the client stalls from 45 ms to 70 ms (10 ms packets, 2 per buffer, 1920-byte FIFO)', () => {
  let run: GlitchRun;
  let timeline: Timeline;
  let svg: string;
  let root: XmlElement;
  let panel: ReturnType<typeof panelScale>;

  before(async () => {
    run = glitchRun({ seconds: 0.2, stallAtMs: [45] });
    timeline = await buildTimeline({ trace: run.tracePath, wavPath: run.wavPath });
    svg = renderTimelineSvg(timeline);
    root = parseXml(svg);
    panel = panelScale(root, 'run');
  });
  after(() => run.cleanup());

  test('when the run is 23 packets long then one panel shows the whole run, from 0 to the end of the FIFO overshoot at 230 ms', () => {
    assert.equal(timeline.panels.length, 1);
    assert.equal(panel.startNs, 0);
    assert.equal(panel.endNs, 230 * MS);
    assert.equal(panel.element.attributes['data-detailed'], 'true');
  });

  test('when the SVG is parsed as XML then it is well-formed, an accessible image with a title and a description', () => {
    assert.equal(root.name, 'svg');
    assert.equal(root.attributes.role, 'img');
    const title = root.children.find((child) => child.name === 'title');
    const desc = root.children.find((child) => child.name === 'desc');
    assert.match(title?.text ?? '', /wavert timeline/);
    assert.match(desc?.text ?? '', /1 underflow event/);
    assert.match(desc?.text ?? '', /EOS at 220\.000 ms/);
    assert.doesNotMatch(svg, /\s(href|src|xlink:href)\s*=/);
    for (const [, target] of svg.matchAll(/url\(([^)]*)\)/g)) assert.match(target!, /^#[\w-]+$/);
  });

  test('when packets 6 and 7 are due during the stall then one repeat underflow span covers 60–80 ms', () => {
    const spans = findAll(root, (e) => hasClass(e, 'underflow'));
    assert.equal(spans.length, 1);
    const span = spans[0]!;
    assert.ok(hasClass(span, 'repeat'));
    assert.equal(span.attributes['data-first-packet'], '6');
    assert.equal(span.attributes['data-packets'], '2');
    near(span.attributes.x, xOfTime(panel, 60 * MS), 'underflow x');
    near(span.attributes.width, xOfTime(panel, 80 * MS) - xOfTime(panel, 60 * MS), 'underflow width');
    assert.equal(span.attributes.fill, 'url(#hatch-repeat)');
  });

  test('when the client wakes at 70 ms then the write of packet 6 is one DATA_LATE_ERROR mark at 70 ms, in red, and the other 20 writes are green', () => {
    const writes = findAll(root, (e) => hasClass(e, 'write'));
    assert.equal(writes.length, 21);
    // the EOS write is a square, the others dots
    assert.deepEqual(writes.filter((e) => e.name === 'rect').map((e) => [e.attributes['data-packet'], hasClass(e, 'eos-write')]), [['21', true]]);
    const late = writes.filter((e) => e.attributes['data-status'] === 'STATUS_DATA_LATE_ERROR');
    assert.equal(late.length, 1);
    assert.equal(late[0]!.attributes['data-packet'], '6');
    assert.equal(late[0]!.attributes.fill, COLORS.status.late);
    near(late[0]!.attributes.cx, xOfTime(panel, 70 * MS), 'late write x');
    const success = writes.filter((e) => e.attributes['data-status'] === 'STATUS_SUCCESS');
    assert.equal(success.length, 20);
    for (const mark of success) assert.equal(mark.attributes.fill, COLORS.status.success);
    const centre = (mark: (typeof writes)[number]): string | undefined => mark.attributes.cx ?? String(Number(mark.attributes.x) + Number(mark.attributes.width) / 2);
    for (const mark of writes) near(centre(mark), xOfTime(panel, Number(mark.attributes['data-time-ns'])), `write of packet ${mark.attributes['data-packet']}`);
    const packets = writes.map((e) => Number(e.attributes['data-packet'])).sort((a, b) => a - b);
    assert.deepEqual(packets, [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });

  test('when the DMA completes each packet then a notification tick sits at every 10 ms with packet counts 1–22, through the stall too', () => {
    const ticks = findAll(root, (e) => hasClass(e, 'notification'));
    assert.deepEqual(ticks.map((e) => Number(e.attributes['data-packet-count'])), Array.from({ length: 22 }, (_, i) => i + 1));
    ticks.forEach((tick, index) => {
      assert.equal(Number(tick.attributes['data-time-ns']), (index + 1) * 10 * MS);
      near(tick.attributes.x1, xOfTime(panel, (index + 1) * 10 * MS), `notification ${index + 1}`);
    });
  });

  test('when the last packet has played then the EOS line is at 220 ms and the FIFO overshoot spans 220–230 ms', () => {
    const [eos] = findAll(root, (e) => hasClass(e, 'eos'));
    near(eos?.attributes.x1, xOfTime(panel, 220 * MS), 'EOS x');
    assert.equal(eos?.attributes['data-packet'], '21');
    const [overshoot] = findAll(root, (e) => hasClass(e, 'fifo-overshoot'));
    assert.equal(overshoot?.attributes['data-bytes'], '1920');
    near(overshoot?.attributes.x, xOfTime(panel, 220 * MS), 'overshoot x');
    near(overshoot?.attributes.width, xOfTime(panel, 230 * MS) - xOfTime(panel, 220 * MS), 'overshoot width');
  });

  test('when the DMA runs then its position drops back to the buffer start every 20 ms (a sawtooth per buffer cycle), then stops at EOS', () => {
    const [dma] = findAll(root, (e) => e.name === 'path' && hasClass(e, 'dma'));
    const points = pathPoints(dma!.attributes.d!);
    const drops: number[] = [];
    for (let i = 1; i < points.length; i++) {
      const [command, x, y] = points[i]!;
      const [, previousX, previousY] = points[i - 1]!;
      if (command === 'L' && Math.abs(x - previousX) < 0.011 && y > previousY + 50) drops.push(x);
    }
    assert.equal(drops.length, 10);
    drops.forEach((x, index) => near(String(x), xOfTime(panel, (index + 1) * 20 * MS), `wrap ${index + 1}`));
    const frozen = points.filter(([command]) => command === 'H');
    assert.equal(frozen.length, 1, 'flat after EOS');
    near(String(frozen[0]![1]), xOfTime(panel, 230 * MS), 'frozen until the end');
  });

  test('when the rendered WAV is given then every column holds a min/max and the sine peaks near its amplitude', () => {
    const [wave] = findAll(root, (e) => hasClass(e, 'waveform'));
    assert.equal(wave?.attributes['data-columns'], String(PLOT_WIDTH));
    const max = Math.max(...timeline.panels[0]!.waveMax!);
    assert.ok(Math.abs(max - AMPLITUDE / 32768) < 0.01, `peak ${max}`);
  });

  test('when the SVG is rendered by rsvg-convert then it produces a PNG', (t) => {
    if (!commandExists('rsvg-convert')) {
      t.skip('rsvg-convert not installed (apt-get install librsvg2-bin)');
      return;
    }
    const svgPath = join(run.dir, 'timeline.svg');
    const pngPath = join(run.dir, 'timeline.png');
    writeFileSync(svgPath, svg);
    const result = spawnSync('rsvg-convert', ['-o', pngPath, svgPath], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const png = readFileSync(pngPath);
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.equal(png.readUInt32BE(16), 1200, 'PNG width');
  });
});

describe('timeline waveform placement', () => {
  test('when the underflow policy is silence then the waveform is flat exactly in the 60–80 ms span and the sine plays either side', async () => {
    const run = glitchRun({ seconds: 0.2, stallAtMs: [45], stream: { underflowPolicy: 'silence' } });
    try {
      const timeline = await buildTimeline({ trace: run.tracePath, wavPath: run.wavPath });
      const panel = timeline.panels[0]!;
      const columnAt = (timeNs: number) => Math.floor(((timeNs - panel.startNs) / (panel.endNs - panel.startNs)) * panel.columns);
      for (let column = columnAt(60 * MS) + 1; column < columnAt(80 * MS); column++) {
        assert.equal(panel.waveMin![column], 0, `column ${column} min`);
        assert.equal(panel.waveMax![column], 0, `column ${column} max`);
      }
      for (const [from, to] of [[2 * MS, 58 * MS], [82 * MS, 218 * MS]] as const) {
        for (let column = columnAt(from); column < columnAt(to); column += 10) {
          const [min, max] = [panel.waveMin![column]!, panel.waveMax![column]!];
          assert.ok(max - min > 0.05 || Math.max(Math.abs(min), Math.abs(max)) > 0.05, `signal in column ${column}`);
        }
      }
      // the silent FIFO overshoot after EOS is flat too
      for (let column = columnAt(221 * MS); column < columnAt(229 * MS); column++) assert.equal(panel.waveMax![column], 0);
      const root = parseXml(renderTimelineSvg(timeline));
      const [span] = findAll(root, (e) => hasClass(e, 'underflow'));
      assert.ok(hasClass(span!, 'silence'));
      assert.equal(span!.attributes.fill, COLORS.underflowSilence);
    } finally {
      run.cleanup();
    }
  });

  test('when no WAV is given then the waveform lane says it is not included', async () => {
    const run = glitchRun({ seconds: 0.1, stallAtMs: [] });
    try {
      const timeline = await buildTimeline({ trace: run.events });
      const root = parseXml(renderTimelineSvg(timeline));
      const notes = findAll(root, (e) => hasClass(e, 'no-waveform'));
      assert.equal(notes.length, 1);
      assert.match(notes[0]!.text, /waveform not included/);
      assert.equal(findAll(root, (e) => hasClass(e, 'waveform')).length, 0);
    } finally {
      run.cleanup();
    }
  });

  test('when the WAV has another format than the trace then the report refuses it in one sentence naming both', async () => {
    const run = glitchRun({ seconds: 0.05, stallAtMs: [] });
    const other = glitchRun({ seconds: 0.05, stallAtMs: [] });
    try {
      const events = run.events.map((event) => (event.event === 'stream'
        ? { ...event, format: { ...(event.format as object), sampleRate: 44100 } }
        : event));
      await assert.rejects(buildTimeline({ trace: events, wavPath: other.wavPath }), (error: Error) => {
        assert.match(error.message, /is 48000 Hz.*but the trace .* is 44100 Hz/);
        return true;
      });
    } finally {
      run.cleanup();
      other.cleanup();
    }
  });
});

describe('timeline of a long run (20 s, 2003 packets) with stalls at 3.0 s, 3.1 s and 12.0 s', () => {
  let run: GlitchRun;
  let timeline: Timeline;
  let svg: string;
  let root: XmlElement;

  before(async () => {
    run = glitchRun({ seconds: 20, stallAtMs: [3000, 3100, 12000], stream: { underflowPolicy: 'silence' } });
    timeline = await buildTimeline({ trace: run.tracePath, wavPath: run.wavPath });
    svg = renderTimelineSvg(timeline);
    root = parseXml(svg);
  });
  after(() => run.cleanup());

  test('when the run is long then an overview of the whole run comes first and zoom windows A–C follow, one per glitch region and one at EOS', () => {
    assert.deepEqual(timeline.panels.map((panel) => panel.id), ['overview', 'A', 'B', 'C']);
    const [a, b, c] = timeline.panels.slice(1);
    assert.ok(a!.startNs < 3010 * MS && a!.endNs > 3130 * MS, 'A holds both nearby stalls');
    assert.ok(b!.startNs < 12010 * MS && b!.endNs > 12030 * MS, 'B holds the third');
    assert.ok(c!.startNs < 20060 * MS && c!.endNs === timeline.endNs, 'C holds EOS and the overshoot');
    assert.equal(timeline.unzoomedRegions, 0);
  });

  test('when the overview is drawn then its bracket for each window sits at the window times on the overview scale', () => {
    const overview = panelScale(root, 'overview');
    const brackets = findAll(overview.element, (e) => hasClass(e, 'zoom-window'));
    assert.deepEqual(brackets.map((e) => e.attributes['data-window']), ['A', 'B', 'C']);
    for (const bracket of brackets) {
      const window = timeline.panels.find((panel) => panel.id === bracket.attributes['data-window'])!;
      near(bracket.attributes.x, xOfTime(overview, window.startNs), `bracket ${window.id}`);
    }
  });

  test('when 2003 writes share the overview then they are drawn per pixel column (at most one mark per column), the 3 late ones tall and red', () => {
    const overview = panelScale(root, 'overview');
    assert.equal(overview.element.attributes['data-detailed'], 'false');
    const columns = findAll(overview.element, (e) => hasClass(e, 'write-column'));
    assert.ok(columns.length <= PLOT_WIDTH);
    const late = columns.filter((e) => hasClass(e, 'status-late'));
    assert.equal(late.length, 3);
    for (const mark of late) assert.equal(mark.attributes.fill, COLORS.status.late);
    const lateTimes = timeline.writeIssues.map((w) => w.timeNs);
    assert.deepEqual(lateTimes, [3025 * MS, 3125 * MS, 12025 * MS]);
    late.forEach((mark, index) => {
      const x = Number(mark.attributes.x);
      const expected = xOfTime(overview, lateTimes[index]!);
      assert.ok(x <= expected && expected < x + 1, `late column ${x} holds ${expected}`);
    });
    assert.equal(findAll(overview.element, (e) => e.name === 'circle').length, 0);
  });

  test('when the windows are drawn then each underflow span sits at its own time on that window\'s scale, with full detail', () => {
    const spans = new Map<string, number>();
    for (const id of ['A', 'B']) {
      const window = panelScale(root, id);
      assert.equal(window.element.attributes['data-detailed'], 'true');
      for (const span of findAll(window.element, (e) => hasClass(e, 'underflow'))) {
        near(span.attributes.x, xOfTime(window, Number(span.attributes['data-start-ns'])), `span in ${id}`);
        spans.set(span.attributes['data-first-packet']!, Number(span.attributes['data-start-ns']));
      }
    }
    assert.deepEqual([...spans], [['301', 3010 * MS], ['311', 3110 * MS], ['1201', 12010 * MS]]);
  });

  test('when the DMA made 1003 buffer cycles then the overview shades the running time instead of drawing the sawtooth, and the file stays small', () => {
    const overview = panelScale(root, 'overview');
    assert.ok(findAll(overview.element, (e) => hasClass(e, 'dma-band')).length >= 1);
    assert.ok(svg.length < 400_000, `${svg.length} bytes`);
    assert.equal(timeline.stream.sampleRate, SAMPLE_RATE);
  });
});

describe('timeline zoom windows when there are many glitch regions', () => {
  test('when 9 separate stalls happen then 6 windows are drawn (the first 5 and the end of stream) and the header says 4 more are only in the overview', async () => {
    const run = glitchRun({ seconds: 10, stallAtMs: [500, 1500, 2500, 3500, 4500, 5500, 6500, 7500, 8500] });
    try {
      const timeline = await buildTimeline({ trace: run.tracePath });
      const windows = timeline.panels.filter((panel) => panel.kind === 'window');
      assert.deepEqual(windows.map((panel) => panel.id), ['A', 'B', 'C', 'D', 'E', 'F']);
      assert.match(windows[5]!.title, /end of stream/);
      assert.ok(windows[4]!.startNs < 4520 * MS && windows[4]!.endNs > 4540 * MS);
      assert.equal(timeline.unzoomedRegions, 4);
      assert.match(renderTimelineSvg(timeline), /4 more glitch regions only in the overview/);
      assert.equal(timeline.underflowEvents, 9);
    } finally {
      run.cleanup();
    }
  });
});

test('when the plot geometry is read then the scale maps the panel start to the plot left edge and its end to the right edge', () => {
  assert.equal(xOfTime({ startNs: 5, endNs: 15 }, 5), PLOT_LEFT);
  assert.equal(xOfTime({ startNs: 5, endNs: 15 }, 15), PLOT_LEFT + PLOT_WIDTH);
});
