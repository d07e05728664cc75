import { describePackets, describeUsb, describeWaveOut, type RunSummary } from './summary.js';
import type { SampleStats } from './samples.js';
import { shortStatus, statusClassOf, type Timeline } from './timeline-model.js';
import { MEMORY_TRACE_LABEL } from './timeline-trace.js';
import { COLORS, escapeXml, readableTime } from './timeline-svg.js';
import { count } from '../text/count.js';

// The HTML report: one self-contained page (inline SVG, inline CSS, no script, no external reference)
// with the timeline, the run summary, the glitch list and, for scenario runs, the script and its expectations.

export interface ReportExpectation {
  description: string;
  /** null when the expectation was not evaluated. */
  passed: boolean | null;
  detail?: string;
}

export interface ReportScenario {
  name?: string;
  file?: string;
  text?: string;
  expectations?: ReadonlyArray<ReportExpectation | string>;
}

const MAX_LISTED_ROWS = 200;

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 "DejaVu Sans", Verdana, Arial, sans-serif; color: #212121; background: #ffffff; margin: 24px auto; max-width: 1240px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #d0d0d0; padding-bottom: 3px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.meta { color: #616161; margin: 0; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { text-align: left; vertical-align: top; padding: 3px 10px 3px 0; border-bottom: 1px solid #ececec; }
th { font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.chip { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 5px; vertical-align: baseline; }
.pass { color: #2e7d32; font-weight: 600; }
.fail { color: #c62828; font-weight: 600; }
.skip { color: #616161; }
pre { background: #f6f6f6; border: 1px solid #e0e0e0; padding: 10px; overflow-x: auto; font: 12.5px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; }
.note { color: #616161; font-size: 13px; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  figure { overflow: visible; }
  figure, table, pre { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  pre { white-space: pre-wrap; }
}
@page { size: A4 landscape; margin: 12mm; }
`;

const ms = (ns: number | null | undefined): string => (typeof ns === 'number' ? readableTime(ns) : '–');

function statsRow(name: string, stats: SampleStats | undefined): string {
  if (!stats || stats.count === 0) return `<tr><th>${escapeXml(name)}</th><td>no samples</td></tr>`;
  return `<tr><th>${escapeXml(name)}</th><td>min ${ms(stats.min)}, p50 ${ms(stats.p50)}, p99 ${ms(stats.p99)}, max ${ms(stats.max)} (${stats.count} samples)</td></tr>`;
}

function summaryTable(summary: RunSummary | null, timeline: Timeline): string {
  if (!summary) {
    return '<p class="note">The trace has no <code>summary</code> event (the run did not finish, or the trace was cut short); the timeline shows what the trace holds.</p>';
  }
  const rows: string[] = [];
  const row = (name: string, value: string): void => {
    rows.push(`<tr><th>${escapeXml(name)}</th><td>${value}</td></tr>`);
  };
  const s = summary.stream;
  if (summary.input) row('input', escapeXml(`${summary.input.file}: ${summary.input.format}${summary.input.frames === null ? '' : `, ${count(summary.input.frames, 'frame')}`}`));
  if (s) {
    row('stream', escapeXml(`${s.bufferBytes} bytes${s.requestedBufferBytes !== s.bufferBytes ? ` (requested ${s.requestedBufferBytes})` : ''}, ${count(s.notifications, 'notification')}, packets of ${count(s.packetBytes, 'byte')} (${count(s.packetFrames, 'frame')})`));
    row('model', escapeXml(`profile ${s.profile}, underflow ${s.underflowPolicy}, EOS silence fill ${s.eosSilenceFill ? 'on' : 'off'}, FIFO ${s.fifoBytes} bytes, ${summary.clock} clock`));
  }
  row('packets', escapeXml(describePackets(summary)));
  const statuses = Object.entries(summary.statuses ?? {})
    .map(([name, count]) => `<span class="chip" style="background:${COLORS.status[statusClassOf(name)]}"></span>${escapeXml(name)} ${count}`)
    .join('<br>');
  row('statuses', statuses || 'none');
  const underrun = summary.underrun;
  if (underrun) row('underruns', escapeXml(`${count(underrun.events, 'event')}, ${count(underrun.packets, 'packet')}, ${count(underrun.frames, 'frame')} (${summary.underflowPolicy})`));
  const eos = summary.eos;
  row('end of stream', escapeXml(eos?.reached ? `packet ${eos.packetNumber}, last packet ${count(eos.eosPacketLength ?? 0, 'byte')}, at ${ms(eos.timeNs)}` : summary.neverEnded ? `never ended: ${summary.neverEnded}` : 'not reached'));
  row('FIFO overshoot', escapeXml(count(summary.fifoOvershootBytes ?? 0, 'byte')));
  rows.push(statsRow('write margin', summary.writeMarginNs));
  if (summary.clock === 'realtime') {
    rows.push(statsRow('notification lateness', summary.notificationLatenessNs));
    rows.push(statsRow('client lateness', summary.clientLatenessNs));
    const drift = summary.drift;
    const ppm = (value: number | null | undefined): string => (typeof value === 'number' ? `${value.toFixed(2)} ppm` : '–');
    row('drift', escapeXml(`model vs monotonic ${ppm(drift?.modelVsMonotonicPpm)}, model vs sink ${ppm(drift?.modelVsSinkPpm)}`));
  }
  if (summary.waveOut) row('waveOut', escapeXml(describeWaveOut(summary.waveOut)));
  if (summary.usb) row('USB', escapeXml(describeUsb(summary.usb)));
  if (summary.output) row('output', escapeXml(`${count(summary.output.frames, 'frame')}, ${summary.output.durationSeconds.toFixed(3)} s`));
  row('model time', escapeXml(ms(summary.modelTimeNs ?? timeline.endNs)));
  return `<table class="summary">${rows.join('')}</table>`;
}

/** The run's glitch list (DESIGN §13): a count per kind, then one row per glitch with its frames, time and cause. */
function glitchList(timeline: Timeline): string {
  if (timeline.glitchCount === 0) return '<p class="no-glitches">No glitches: the device played what a punctual client would have produced.</p>';
  const counts = new Map<string, number>();
  for (const glitch of timeline.glitches) counts.set(glitch.kind, (counts.get(glitch.kind) ?? 0) + 1);
  const fromSummary = timeline.summary?.glitchCounts;
  const countText = fromSummary
    ? Object.entries(fromSummary).filter(([, count]) => count > 0).map(([kind, count]) => `${kind} ${count}`).join(', ')
    : [...counts].map(([kind, count]) => `${kind} ${count}`).join(', ');
  const rows = timeline.glitches.slice(0, MAX_LISTED_ROWS).map((g) => {
    const frames = g.frameCount === 0 ? `${g.startFrame} (none heard)` : `${g.startFrame}–${g.startFrame + g.frameCount - 1}`;
    const packets = g.packetNumber === null ? '' : g.packets > 1 ? `${g.packetNumber}–${g.packetNumber + g.packets - 1}` : String(g.packetNumber);
    return `<tr class="glitch kind-${escapeXml(g.kind)}"><td>${escapeXml(g.kind)}</td><td class="num">${frames}</td><td class="num">${g.frameCount}</td><td class="num">${ms(g.startNs)}</td><td class="num">${packets}</td><td>${escapeXml(g.cause)}</td></tr>`;
  });
  const more = timeline.glitchCount > rows.length ? `<p class="note">${timeline.glitchCount - rows.length} more glitches are not listed (summary.json and --json list them all).</p>` : '';
  return `<p class="glitch-counts">${timeline.glitchCount} glitch${timeline.glitchCount === 1 ? '' : 'es'}: ${escapeXml(countText)}</p>`
    + `<table class="glitch-list"><tr><th>kind</th><th>output frames</th><th>frames</th><th>at</th><th>packets</th><th>cause</th></tr>${rows.join('')}</table>${more}`;
}

function glitchTables(timeline: Timeline): string {
  const parts: string[] = [];
  // traces written before the glitch list carry no `glitch` events and no summary list: they keep the older tables
  const hasList = timeline.glitchCount > 0 || Array.isArray(timeline.summary?.glitches);
  if (hasList) parts.push(glitchList(timeline));
  if (!hasList && timeline.underflows.length > 0) {
    const rows = timeline.underflows.slice(0, MAX_LISTED_ROWS).map((u) => {
      const packets = u.packets > 1 ? `${u.firstPacketNumber}–${u.firstPacketNumber + u.packets - 1}` : String(u.firstPacketNumber);
      return `<tr><td class="num">${packets}</td><td class="num">${ms(u.startNs)}</td><td class="num">${ms(u.endNs)}</td><td class="num">${u.frames}</td><td>${u.policy}</td></tr>`;
    });
    const more = timeline.underflowEvents > rows.length ? `<p class="note">${count(timeline.underflowEvents - rows.length, 'more underflow event')} not listed.</p>` : '';
    parts.push(`<h3>Underflows</h3><table class="underflows"><tr><th>packets</th><th>from</th><th>to</th><th>frames</th><th>policy</th></tr>${rows.join('')}</table>${more}`);
  }
  if (!hasList && timeline.gaps.length > 0) {
    const rows = timeline.gaps.slice(0, MAX_LISTED_ROWS).map((gap) => {
      const what = gap.kind === 'usb-gap'
        ? `USB gap: ${gap.count} empty (micro)frame${gap.count === 1 ? '' : 's'}`
        : `waveOut starvation: packet${gap.count > 1 ? `s ${gap.firstPacketNumber}–${gap.firstPacketNumber! + gap.count - 1}` : ` ${gap.firstPacketNumber}`}`;
      return `<tr><td>${escapeXml(what)}</td><td class="num">${ms(gap.startNs)}</td><td class="num">${ms(gap.endNs)}</td></tr>`;
    });
    parts.push(`<h3>waveOut starvation and USB gaps (silence played)</h3><table class="gaps"><tr><th>what</th><th>from</th><th>to</th></tr>${rows.join('')}</table>`);
  }
  if (timeline.writeIssues.length > 0) {
    const rows = timeline.writeIssues.slice(0, MAX_LISTED_ROWS).map((w) => (
      `<tr><td class="num">${w.packetNumber}</td><td class="num">${ms(w.timeNs)}</td><td><span class="chip" style="background:${COLORS.status[w.statusClass]}"></span>${escapeXml(w.status)}</td><td class="num">${ms(w.marginNs)}</td></tr>`
    ));
    const more = timeline.writeIssueCount > rows.length ? `<p class="note">${timeline.writeIssueCount - rows.length} more failed writes are not listed.</p>` : '';
    parts.push(`<h3>Failed writes</h3><p class="note">A refused write is heard only where the glitch list says so.</p><table class="write-issues"><tr><th>packet</th><th>at</th><th>status</th><th>margin</th></tr>${rows.join('')}</table>${more}`);
  }
  if (parts.length === 0) return '<p>No underflows and no failed writes.</p>';
  return parts.join('\n');
}

function scenarioSection(scenario: ReportScenario | undefined): string {
  if (!scenario) return '';
  const parts = [`<section id="scenario"><h2>Scenario${scenario.name ? `: ${escapeXml(scenario.name)}` : ''}</h2>`];
  if (scenario.file) parts.push(`<p class="meta">${escapeXml(scenario.file)}</p>`);
  if (scenario.text !== undefined) parts.push(`<pre class="scenario-text">${escapeXml(scenario.text)}</pre>`);
  if (scenario.expectations && scenario.expectations.length > 0) {
    const rows = scenario.expectations.map((item) => {
      const expectation: ReportExpectation = typeof item === 'string' ? { description: item, passed: null } : item;
      const verdict = expectation.passed === null
        ? '<span class="skip">not checked</span>'
        : expectation.passed ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>';
      return `<tr><td>${verdict}</td><td>${escapeXml(expectation.description)}</td><td>${escapeXml(expectation.detail ?? '')}</td></tr>`;
    });
    parts.push(`<h3>Expectations</h3><table class="expectations"><tr><th>result</th><th>expectation</th><th>detail</th></tr>${rows.join('')}</table>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** The whole page; `svg` is the timeline from renderTimelineSvg. */
export function renderHtmlReport(timeline: Timeline, svg: string, scenario?: ReportScenario): string {
  // inside HTML the parser puts <svg> in the SVG namespace by itself, so the page carries no URL at all
  const inlineSvg = svg.replace(' xmlns="http://www.w3.org/2000/svg"', '');
  const title = `wavert report — ${scenario?.name ?? timeline.summary?.input?.file ?? timeline.label}`;
  const statuses = Object.entries(timeline.statusCounts).map(([name, count]) => `${shortStatus(name)} ${count}`).join(', ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeXml(title)}</h1>
<p class="meta">${timeline.label === MEMORY_TRACE_LABEL ? 'scenario run' : `trace ${escapeXml(timeline.label)}`} · ${count(timeline.writes, 'write')} (${escapeXml(statuses || 'none')}) · ${count(timeline.glitchCount, 'glitch', 'glitches')} · ${count(timeline.underflowEvents, 'underflow event')} · ${timeline.eos ? `EOS at ${ms(timeline.eos.timeNs)}` : 'no EOS'}</p>
</header>
<main>
<section id="timeline"><h2>Timeline</h2>
<figure>
${inlineSvg}
</figure>
</section>
<section id="summary"><h2>Summary</h2>
${summaryTable(timeline.summary, timeline)}
</section>
<section id="glitches"><h2>Glitches</h2>
${glitchTables(timeline)}
</section>
${scenarioSection(scenario)}
</main>
</body>
</html>
`;
}
