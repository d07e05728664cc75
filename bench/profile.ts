import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Where one render's CPU goes, from a V8 CPU profile: each sample is put in one bucket by its stack, and every
// memory copy is charged to the project function that asked for it (so each copy of the audio is named).

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const COPY_LEAVES = new Set(['_copyActual', '_copy', 'copy', 'set', 'TypedArrayPrototypeSet', 'fill']);
const PROJECT = '/dist/src/';

/** The bucket of one sample; `stack` is leaf first. */
function bucketOf(stack: ProfileNode[]): string {
  const leaf = stack[0]!.callFrame;
  if (leaf.functionName === '(garbage collector)') return 'GC';
  if (leaf.functionName === '(idle)' || leaf.functionName === '(program)') return 'V8/Node internals (program)';
  const project = stack.find((node) => node.callFrame.url.includes(PROJECT))?.callFrame;
  const where = project ? `${project.functionName} ${project.url.slice(project.url.indexOf(PROJECT) + PROJECT.length)}` : '';
  // a copy builtin, or the copying function's own time (V8 inlines TypedArray.prototype.set into it)
  const copying = (COPY_LEAVES.has(leaf.functionName) && (leaf.url === '' || leaf.url.startsWith('node:buffer')))
    || (project !== undefined && stack[0]!.callFrame === project);
  if (copying) {
    if (where.startsWith('read session/wav-source')) return 'copy 2: read chunk → client packet (pcmSourceFrom)';
    if (where.startsWith('copyToBuffer ')) return 'copy 3: client packet → cyclic buffer (the OS writes the packet: model)';
    if (where.startsWith('writeFrom wav/writer')) return 'copy 4: cyclic buffer → write buffer (the DMA transfer: model)';
    // the client's fill() inlines both its read (copy 2) and its write into the buffer (copy 3)
    if (where.startsWith('fill client/packet-client')) return 'copy 2 or 3, inlined into the client (fill)';
    if (COPY_LEAVES.has(leaf.functionName)) return `copy: other (${where || 'node'})`;
  }
  if (leaf.url === '' && leaf.functionName === 'read') return 'copy 1: read(2) of the input (kernel → chunk)';
  if (leaf.url === '' && (leaf.functionName === 'writeBuffer' || leaf.functionName === 'writeString')) return 'copy 5: write(2) of the output (write buffer → kernel)';
  if (leaf.url === '' && (leaf.functionName === 'open' || leaf.functionName === 'close')) return `${leaf.functionName}(2) of a file`;
  if (stack.some((node) => node.callFrame.functionName === 'runVirtual' && node.callFrame.url.includes('clock/scheduler'))) {
    return 'model: events, packets, statuses, recorder';
  }
  if (stack.some((node) => node.callFrame.url.includes('modules/esm') || node.callFrame.url.includes('modules/cjs'))) return 'loading modules';
  return 'startup and CLI (Node bootstrap, commander, summary)';
}

function bucketsOf(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const cache = new Map<number, string>();
  const totals = new Map<string, number>();
  // every sample weighs the same (the mean interval): a sample after the thread was descheduled would otherwise
  // carry the whole wait, and on a shared machine that decides the table
  const sampleMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  profile.samples.forEach((id) => {
    let bucket = cache.get(id);
    if (bucket === undefined) {
      const stack: ProfileNode[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!);
      bucket = bucketOf(stack);
      cache.set(id, bucket);
    }
    totals.set(bucket, (totals.get(bucket) ?? 0) + sampleMs);
  });
  return totals;
}

export interface ProfileRow {
  bucket: string;
  ms: number;
  share: number;
}

/** Profiles `node args…` `runs` times; returns the main thread's buckets, mean ms per run and share of the samples. */
export function profileRun(args: string[], runs = 3): ProfileRow[] {
  const totals = new Map<string, number>();
  for (let run = 0; run < runs; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'wavert-profile-'));
    try {
      // from the compiled modules, so that every sample is named by its file (module loading is then the modules')
      const result = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, ...args], { stdio: 'ignore', env: { ...process.env, WAVERT_ENTRY: 'modules' } });
      if (result.status !== 0) throw new Error(`bench: profiling ${args.join(' ')} exited with ${result.status}`);
      // one profile per thread: the main thread's is the largest (render runs no other JavaScript thread)
      const profiles = readdirSync(dir).map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile);
      profiles.sort((a, b) => b.samples.length - a.samples.length);
      for (const [bucket, ms] of bucketsOf(profiles[0]!)) totals.set(bucket, (totals.get(bucket) ?? 0) + ms / runs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const total = [...totals.values()].reduce((sum, ms) => sum + ms, 0);
  return [...totals].sort((a, b) => b[1] - a[1]).map(([bucket, ms]) => ({ bucket, ms, share: ms / total }));
}
