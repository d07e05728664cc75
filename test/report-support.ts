// Helpers for the report tests: a seeded glitchy run, a strict little XML parser, and the external renderers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventPriority } from '../src/clock/scheduler.js';
import { createMemoryTrace, type RunSummary } from '../src/report/index.js';
import { ChunkedOutput, Session, type StreamConfig } from '../src/session/index.js';
import { WavWriter, pcmFormat } from '../src/wav/index.js';

export const SAMPLE_RATE = 48000;
export const AMPLITUDE = 12000;

export interface GlitchRun {
  dir: string;
  tracePath: string;
  wavPath: string;
  events: Array<Record<string, unknown>>;
  summary: RunSummary;
  cleanup(): void;
}

/**
 * A 440 Hz sine of `seconds` through the model; at each `stallAtMs` the client stops answering for
 * `stallMs`, so the packets due meanwhile underflow. Writes trace.ndjson and rendered.wav to a temp dir.
 */
export function glitchRun(options: { seconds: number; stallAtMs: number[]; stallMs?: number; stream?: StreamConfig }): GlitchRun {
  const dir = mkdtempSync(join(tmpdir(), 'wavert-report-test-'));
  const format = pcmFormat({ channels: 2, sampleRate: SAMPLE_RATE, bitsPerSample: 16 });
  const totalFrames = Math.round(options.seconds * SAMPLE_RATE);
  let frame = 0;
  const source = {
    read(target: Buffer): number {
      let offset = 0;
      while (offset + 4 <= target.length && frame < totalFrames) {
        const value = Math.round(Math.sin((2 * Math.PI * 440 * frame) / SAMPLE_RATE) * AMPLITUDE);
        target.writeInt16LE(value, offset);
        target.writeInt16LE(value, offset + 2);
        offset += 4;
        frame++;
      }
      return offset;
    },
  };
  const trace = createMemoryTrace();
  const wavPath = join(dir, 'rendered.wav');
  const writer = WavWriter.create(wavPath, format);
  const output = new ChunkedOutput((bytes) => writer.write(bytes));
  const session = new Session({
    format, source, output, trace,
    stream: { bufferMs: 20, notifications: 2, fifoBytes: 1920, ...options.stream },
  });
  const stallNs = (options.stallMs ?? 25) * 1e6;
  for (const atMs of options.stallAtMs) {
    session.scheduler.at(atMs * 1e6, EventPriority.client, () => session.client.stallUntil(atMs * 1e6 + stallNs));
  }
  const summary = session.runVirtual();
  output.flush();
  writer.close();
  const tracePath = join(dir, 'trace.ndjson');
  writeFileSync(tracePath, `${trace.events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  return { dir, tracePath, wavPath, events: trace.events, summary, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Parses a whole XML document strictly (nesting, quoting, entities); throws with the offset of the first fault. */
export function parseXml(source: string): XmlElement {
  let position = 0;
  const fail = (what: string): never => {
    throw new Error(`XML not well-formed at offset ${position}: ${what} (near ${JSON.stringify(source.slice(position, position + 40))})`);
  };
  const decode = (text: string): string => text.replace(/&([^;]*);?/g, (match, entity: string) => {
    if (!match.endsWith(';')) fail(`bare '&' in ${JSON.stringify(text.slice(0, 40))}`);
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (entity in named) return named[entity]!;
    const code = /^#x([0-9a-f]+)$/i.exec(entity) ? parseInt(entity.slice(2), 16) : /^#(\d+)$/.exec(entity) ? Number(entity.slice(1)) : Number.NaN;
    if (Number.isNaN(code)) fail(`unknown entity &${entity};`);
    return String.fromCodePoint(code);
  });
  const skipMisc = (): void => {
    for (;;) {
      while (/\s/.test(source[position] ?? '')) position++;
      if (source.startsWith('<?', position)) {
        const end = source.indexOf('?>', position);
        if (end < 0) fail('unterminated processing instruction');
        position = end + 2;
      } else if (source.startsWith('<!--', position)) {
        const end = source.indexOf('-->', position);
        if (end < 0) fail('unterminated comment');
        position = end + 3;
      } else {
        return;
      }
    }
  };
  const parseElement = (): XmlElement => {
    if (source[position] !== '<') fail("expected '<'");
    position++;
    const nameMatch = /^[A-Za-z_][\w.:-]*/.exec(source.slice(position, position + 100));
    if (!nameMatch) fail('expected an element name');
    const element: XmlElement = { name: nameMatch![0], attributes: {}, children: [], text: '' };
    position += element.name.length;
    for (;;) {
      const spaces = /^\s*/.exec(source.slice(position, position + 200))![0].length;
      position += spaces;
      if (source.startsWith('/>', position)) {
        position += 2;
        return element;
      }
      if (source[position] === '>') {
        position++;
        break;
      }
      if (spaces === 0) fail('expected whitespace before an attribute');
      const attribute = /^([A-Za-z_][\w.:-]*)\s*=\s*("[^"<]*"|'[^'<]*')/.exec(source.slice(position, position + 100000));
      if (!attribute) fail('malformed attribute');
      if (attribute![1]! in element.attributes) fail(`duplicate attribute ${attribute![1]}`);
      element.attributes[attribute![1]!] = decode(attribute![2]!.slice(1, -1));
      position += attribute![0].length;
    }
    for (;;) {
      const next = source.indexOf('<', position);
      if (next < 0) fail(`unclosed <${element.name}>`);
      element.text += decode(source.slice(position, next));
      position = next;
      if (source.startsWith('<!--', position)) {
        const end = source.indexOf('-->', position);
        if (end < 0) fail('unterminated comment');
        position = end + 3;
      } else if (source.startsWith('</', position)) {
        const close = new RegExp(`^</${element.name.replace(/[.]/g, '\\.')}\\s*>`).exec(source.slice(position, position + 200));
        if (!close) fail(`expected </${element.name}>`);
        position += close![0].length;
        return element;
      } else {
        element.children.push(parseElement());
      }
    }
  };
  skipMisc();
  const root = parseElement();
  skipMisc();
  if (position !== source.length) fail('content after the root element');
  return root;
}

export function findAll(root: XmlElement, predicate: (element: XmlElement) => boolean): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement): void => {
    if (predicate(element)) found.push(element);
    for (const child of element.children) visit(child);
  };
  visit(root);
  return found;
}

export const hasClass = (element: XmlElement, name: string): boolean => (element.attributes.class ?? '').split(/\s+/).includes(name);

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Headless Chromium with a fresh profile and nothing that phones home; returns its exit status, stdout and stderr. */
export function runChromium(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const profile = mkdtempSync(join(tmpdir(), 'wavert-chromium-'));
  try {
    const result = spawnSync('chromium', [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, ...args,
    ], { encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
