// Refuses, before anything is opened for writing, an output that is one of the run's inputs (or another output):
// files are compared by device and inode, so hard links, symlinks, stdin redirects and /proc or /dev/fd paths
// are all seen for what they are.
import { fstatSync, lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { quoted } from './names.js';

interface Claimed {
  role: string;
  name: string;
  /** dev:ino of an existing file, or null for one that does not exist yet. */
  identity: string | null;
  /** Where the file is or will be (the real folder plus the name), to compare outputs not yet created. */
  location: string | null;
  /** Character devices may be shared (two outputs to /dev/null, an input from /dev/zero). */
  shareable: boolean;
}

const identityOf = (stats: Stats): string => `${stats.dev}:${stats.ino}`;

function statOrNull(path: string, follow = true): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return null;
  }
}

function fdStatOrNull(fd: number): Stats | null {
  try {
    return fstatSync(fd);
  } catch {
    return null;
  }
}

function locationOf(path: string): string | null {
  try {
    return resolve(realpathSync(dirname(resolve(path))), basename(path));
  } catch {
    return null;
  }
}

/** The files one command reads and writes; `claimOutput` throws UsageError for an output that would destroy one. */
export class SameFileGuard {
  private readonly inputs: Claimed[] = [];
  private readonly outputs: Claimed[] = [];

  /** An input path ('-' is stdin). A path that does not exist is ignored here: opening it reports the problem. */
  addInput(path: string, role = 'input'): this {
    const stats = path === '-' ? fdStatOrNull(0) : statOrNull(path);
    if (stats === null) return this;
    // a pipe or terminal on stdin cannot be overwritten by a named output
    if (path === '-' && !stats.isFile()) return this;
    this.inputs.push({ role, name: path === '-' ? 'stdin' : path, identity: identityOf(stats), location: null, shareable: false });
    return this;
  }

  /**
   * An output path ('-' is stdout): refused when it resolves to an input or to an output already claimed.
   * `followSymlinks: false` for outputs written without following links (a link there is replaced, not written through).
   */
  claimOutput(path: string | undefined, role = 'output', options: { followSymlinks?: boolean } = {}): this {
    if (path === undefined) return this;
    const stats = path === '-' ? fdStatOrNull(1) : statOrNull(path, options.followSymlinks ?? true);
    // a character device (/dev/null) takes any number of writers and is not destroyed by them; a FIFO is read by one reader
    const shareable = stats !== null && stats.isCharacterDevice();
    const claim: Claimed = {
      role,
      name: path === '-' ? 'stdout' : path,
      identity: stats === null ? null : identityOf(stats),
      location: path === '-' ? null : locationOf(path),
      shareable,
    };
    if (path === '-' && (stats === null || !stats.isFile())) return this;
    for (const input of this.inputs) {
      if (claim.identity !== null && claim.identity === input.identity && !shareable) {
        throw new UsageError(`the ${role} ${quoted(claim.name)} is the same file as the ${input.role} ${quoted(input.name)}; writing it would destroy the ${input.role}, so choose another ${role}`);
      }
    }
    for (const other of this.outputs) {
      const same = (claim.identity !== null && claim.identity === other.identity) || (claim.location !== null && claim.location === other.location);
      if (same && !(shareable && other.shareable)) {
        throw new UsageError(`the ${role} ${quoted(claim.name)} is the same file as the ${other.role} ${quoted(other.name)}; give each its own file`);
      }
    }
    this.outputs.push(claim);
    return this;
  }
}
