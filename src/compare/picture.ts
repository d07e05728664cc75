import { COLORS, escapeXml } from '../report/timeline-svg.js';
import { describeDeparture } from './text.js';
import type { CompareResult, DepartureSnapshot } from './types.js';

// The picture of a comparison: for each of the first departures, the reference and the recording drawn one above
// the other around it, each with the departure's stretch shaded. Same page conventions as the run report.

const WIDTH = 1200;
const LEFT = 118;
const PLOT = 1058;
const ROW = 70;
const PANEL = 2 * ROW + 64;

const r = (value: number): string => String(Math.round(value * 100) / 100);

function wave(min: Float32Array, max: Float32Array, top: number, color: string): string {
  const middle = top + ROW / 2;
  const half = ROW / 2 - 3;
  const parts: string[] = [];
  const columns = min.length;
  for (let column = 0; column < columns; column++) {
    if (Number.isNaN(min[column]!)) continue;
    const x = LEFT + ((column + 0.5) * PLOT) / columns;
    const y1 = middle - Math.max(-1, Math.min(1, max[column]!)) * half;
    const y2 = Math.max(middle - Math.max(-1, Math.min(1, min[column]!)) * half, y1 + 0.8);
    parts.push(`M${r(x)} ${r(y1)}V${r(y2)}`);
  }
  return `<path class="waveform" d="${parts.join('')}" stroke="${color}" stroke-width="${columns < PLOT / 2 ? 1.6 : 1}" fill="none"/>`;
}

export function renderCompareSvg(result: CompareResult, snapshots: readonly DepartureSnapshot[]): string {
  const rate = result.heard.sampleRate;
  const parts: string[] = [];
  let y = 30;
  const title = `wavert compare — ${result.heard.file} against ${result.reference.file}`;
  parts.push(`<text x="20" y="${y}" font-size="18" font-weight="bold">${escapeXml(title)}</text>`);
  y += 20;
  const headline = result.exact ? 'exact: the recording holds the reference, frame for frame' : `${result.departureCount} departure(s); the first ${snapshots.length} drawn below (reference on top, recording below, departure shaded)`;
  parts.push(`<text x="20" y="${y}" font-size="12" fill="${COLORS.muted}">${escapeXml(`${result.heard.format} · offset ${result.offsetFrames} frames · ${headline}`)}</text>`);
  y += 20;
  for (const snapshot of snapshots) {
    const departure = result.departures[snapshot.index];
    if (!departure) continue;
    const xOf = (frameInPanel: number): number => LEFT + (frameInPanel / snapshot.frames) * PLOT;
    parts.push(`<g class="departure kind-${departure.kind}" data-kind="${departure.kind}" data-heard-frame="${departure.heardFrame}" data-reference-frame="${departure.referenceFrame}" data-frame-count="${departure.frameCount}">`);
    const [headline, ...details] = describeDeparture(departure, rate).split('; ');
    parts.push(`<text x="${LEFT}" y="${y + 12}" font-size="12" font-weight="bold">${escapeXml(`${snapshot.index + 1}. ${headline}`)}<tspan font-weight="normal" fill="${COLORS.muted}">${escapeXml(details.length > 0 ? ` · ${details.join(' · ')}` : '')}</tspan></text>`);
    const rows: Array<{ label: string; top: number; start: number; frames: number; from: number; color: string; data: DepartureSnapshot['heard'] }> = [
      { label: 'reference', top: y + 22, start: snapshot.referenceStart, frames: departure.referenceFrames, from: departure.referenceFrame, color: COLORS.dma, data: snapshot.reference },
      { label: 'heard', top: y + 26 + ROW, start: snapshot.heardStart, frames: departure.heardFrames, from: departure.heardFrame, color: COLORS.wave, data: snapshot.heard },
    ];
    for (const row of rows) {
      parts.push(`<rect class="lane" x="${LEFT}" y="${r(row.top)}" width="${PLOT}" height="${ROW}" fill="#ffffff" stroke="${COLORS.frame}"/>`);
      const x1 = xOf(row.from - row.start);
      const width = Math.max(2, xOf(row.from - row.start + row.frames) - x1);
      const shaded = row.frames > 0 ? width : 2;
      parts.push(`<rect class="departure-span" x="${r(x1)}" y="${r(row.top)}" width="${r(shaded)}" height="${ROW}" fill="${row.frames > 0 ? COLORS.glitch : '#e53935'}" stroke="#e57373" stroke-width="0.6"/>`);
      parts.push(wave(row.data.min, row.data.max, row.top, row.color));
      parts.push(`<text x="${LEFT - 8}" y="${r(row.top + 14)}" font-size="10.5" text-anchor="end">${row.label}</text>`);
      parts.push(`<text x="${LEFT - 8}" y="${r(row.top + 27)}" font-size="9" text-anchor="end" fill="${COLORS.muted}">from frame ${row.start}</text>`);
    }
    parts.push('</g>');
    y += PANEL;
  }
  const height = Math.ceil(y + 10);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" font-family="DejaVu Sans, Verdana, Arial, sans-serif" fill="${COLORS.text}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

const CSS = `body { font: 14px/1.45 "DejaVu Sans", Verdana, Arial, sans-serif; color: #212121; margin: 24px auto; max-width: 1240px; padding: 0 16px; }
table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #d0d0d0; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } .meta { color: #616161; } .exact { color: #2e7d32; font-weight: bold; }`;

export function renderCompareHtml(result: CompareResult, snapshots: readonly DepartureSnapshot[]): string {
  const rate = result.heard.sampleRate;
  const svg = renderCompareSvg(result, snapshots).replace(' xmlns="http://www.w3.org/2000/svg"', '');
  const rows = result.departures.slice(0, 1000).map((d) => `<tr class="departure kind-${d.kind}"><td>${d.kind}</td><td class="num">${d.heardFrame}</td><td class="num">${d.referenceFrame}</td><td class="num">${d.frameCount}</td><td>${d.realign ? `${d.realign.heardFrame} / ${d.realign.referenceFrame}` : 'never'}</td><td>${escapeXml(d.model === undefined ? '' : d.model === null ? 'none' : `${d.model.kind} at ${d.model.startFrame}: ${d.model.cause}`)}</td></tr>`);
  const verdict = result.exact
    ? '<p class="exact">Exact: the recording holds the reference, frame for frame.</p>'
    : `<p>${result.departureCount} departure(s).</p><table class="departures"><tr><th>kind</th><th>heard frame</th><th>reference frame</th><th>frames</th><th>realigns (heard / reference)</th><th>model glitch</th></tr>${rows.join('')}</table>`;
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeXml(`wavert compare — ${result.heard.file}`)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeXml(`wavert compare — ${result.heard.file}`)}</h1>
<p class="meta">${escapeXml(`heard ${result.heard.file}: ${result.heard.format}, ${result.heard.frames} frames (${(result.heard.frames / rate).toFixed(3)} s) · reference ${result.reference.file}: ${result.reference.frames} frames · offset ${result.offsetFrames} frames · compared as ${result.comparedAs}`)}</p>
<section id="departures"><h2>Departures</h2>
${verdict}
${result.notes.map((note) => `<p class="meta">${escapeXml(note)}</p>`).join('\n')}
</section>
<section id="pictures"><h2>Around each departure</h2>
<figure>
${svg}
</figure>
</section>
</body>
</html>
`;
}
