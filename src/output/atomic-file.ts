// An output file written whole or not at all: bytes go to a temporary file in the target's folder, which is
// renamed over the target only on success and removed on failure or signal. A target that is not a regular file
// (a device such as /dev/null or /dev/full, a FIFO) is written in place and never unlinked.
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { IoError, describeIoFailure } from '../errors.js';
import { writeFully } from '../wav/fd-io.js';

// node:worker_threads costs a few ms to load: only a command that writes a file pays for it
let threadIdCache: number | null = null;
function threadId(): number {
  threadIdCache ??= (createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')).threadId;
  return threadIdCache;
}

export interface AtomicFileOptions {
  /**
   * false: a symlink at the target is replaced, never written through (outputs inside a folder the run owns,
   * where a planted link must not redirect a write). Default true, like cp: the file the link names is replaced.
   */
  followSymlinks?: boolean;
  /** How messages name the file (default: the path as given). */
  label?: string;
}

type AtomicState = 'open' | 'committed' | 'discarded';

/** Temporary files not yet committed or discarded, removed by a signal handler or at exit. */
const pending = new Set<AtomicFile>();
let exitHookInstalled = false;
let temporaryCount = 0;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', discardPendingOutputs);
}

/** Removes every temporary output of this process that was not committed (signals, fatal errors). Synchronous. */
export function discardPendingOutputs(): void {
  for (const file of [...pending]) file.discard();
}

/** How many outputs are being written (for tests). */
export function pendingOutputCount(): number {
  return pending.size;
}

function lstatOrNull(path: string): fs.Stats | null {
  try {
    return fs.lstatSync(path);
  } catch {
    return null;
  }
}

export class AtomicFile {
  readonly label: string;
  /** The path that holds the output once committed. */
  readonly targetPath: string;
  readonly fd: number;
  /** False for devices and FIFOs: no positional writes, no rename. */
  readonly inPlace: boolean;
  private readonly temporaryPath: string | null;
  private state: AtomicState = 'open';

  private constructor(label: string, targetPath: string, fd: number, temporaryPath: string | null) {
    this.label = label;
    this.targetPath = targetPath;
    this.fd = fd;
    this.temporaryPath = temporaryPath;
    this.inPlace = temporaryPath === null;
    if (temporaryPath !== null) {
      installExitHook();
      pending.add(this);
    }
  }

  /** True when writes may be positional (a regular file). */
  get seekable(): boolean {
    return !this.inPlace;
  }

  /** Opens the output; throws IoError with a plain sentence ("cannot create out/x.wav: permission denied"). */
  static open(path: string, options: AtomicFileOptions = {}): AtomicFile {
    const label = options.label ?? path;
    const follow = options.followSymlinks ?? true;
    const fail = (error: unknown): never => { throw new IoError(`cannot create ${label}: ${describeIoFailure(error)}`); };
    let target = resolve(path);
    let stats = lstatOrNull(target);
    if (stats?.isSymbolicLink() && follow) {
      try {
        target = fs.realpathSync(target);
        stats = fs.statSync(target);
      } catch (error) {
        // a dangling link: create the file it names
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') fail(error);
        target = resolve(dirname(target), fs.readlinkSync(target));
        stats = null;
      }
    }
    if (stats?.isDirectory()) throw new IoError(`cannot create ${label}: is a directory`);
    if (stats !== null && !stats.isFile() && !stats.isSymbolicLink()) {
      // a device or a FIFO: written in place, never replaced or removed
      let fd = -1;
      try {
        fd = fs.openSync(target, fs.constants.O_WRONLY | (follow ? 0 : fs.constants.O_NOFOLLOW));
      } catch (error) {
        fail(error);
      }
      return new AtomicFile(label, target, fd, null);
    }
    const temporaryPath = join(dirname(target), `.${basename(target)}.${process.pid}-${threadId()}-${++temporaryCount}.tmp`);
    let fd = -1;
    try {
      const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
      fd = fs.openSync(temporaryPath, flags, 0o666);
      // a replaced file keeps its permissions
      if (stats?.isFile()) fs.fchmodSync(fd, stats.mode & 0o7777);
    } catch (error) {
      if (fd >= 0) {
        fs.closeSync(fd);
        fs.rmSync(temporaryPath, { force: true });
      }
      fail(error);
    }
    return new AtomicFile(label, target, fd, temporaryPath);
  }

  /** Closes and puts the file in place. Throws IoError when that fails (the temporary file is removed). */
  commit(): void {
    if (this.state !== 'open') return;
    this.state = 'committed';
    pending.delete(this);
    try {
      fs.closeSync(this.fd);
      if (this.temporaryPath !== null) fs.renameSync(this.temporaryPath, this.targetPath);
    } catch (error) {
      if (this.temporaryPath !== null) fs.rmSync(this.temporaryPath, { force: true });
      throw new IoError(`cannot write ${this.label}: ${describeIoFailure(error)}`);
    }
  }

  /** Closes and removes what was written; the target (and any device) is left untouched. Never throws. */
  discard(): void {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    pending.delete(this);
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed by a failed write: nothing to release
    }
    if (this.temporaryPath !== null) {
      try {
        fs.rmSync(this.temporaryPath, { force: true });
      } catch {
        // the folder itself went away: nothing is left to remove
      }
    }
  }
}

/** Writes a whole text or byte file atomically (reports, summaries, JUnit XML). */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicFileOptions = {}): void {
  const file = AtomicFile.open(path, options);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    writeFully(file.fd, bytes, 0, bytes.length, null);
  } catch (error) {
    file.discard();
    throw new IoError(`cannot write ${file.label}: ${describeIoFailure(error)}`);
  }
  file.commit();
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns for some paths (e.g. under /proc).
 * Throws the system error of the level that cannot be made.
 */
export function makeFolders(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      if (fs.statSync(current).isDirectory()) break;
      throw Object.assign(new Error(`not a directory: ${current}`), { code: 'ENOTDIR', path: current });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = dirname(current);
      if (parent === current) throw error;
      missing.push(current);
      current = parent;
    }
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
