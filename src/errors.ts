// Every error the library throws on purpose: a stable `code`, a message that is one clear sentence.
// Only the CLI entry point maps these to text and exit codes; library code never exits.

export type ErrorCode =
  | 'E_USAGE'
  | 'E_WAV'
  | 'E_IO'
  | 'E_ALLOCATION'
  | 'E_STATE'
  | 'E_SCENARIO'
  | 'E_PROFILE'
  | 'E_SINK'
  | 'E_INTERRUPTED';

export class WavertError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A bad command-line option or argument. */
export class UsageError extends WavertError {
  constructor(message: string) { super('E_USAGE', message); }
}

/** A WAV file that cannot be read: names the file and what is wrong. */
export class WavFormatError extends WavertError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('E_WAV', `${file}: ${problem}`);
    this.file = file;
  }
}

/** A file that cannot be opened, read or written. */
export class IoError extends WavertError {
  constructor(message: string) { super('E_IO', message); }
}

/** AllocateBufferWithNotification / AllocateAudioBuffer refused the request (reference: STATUS_UNSUCCESSFUL). */
export class AllocationError extends WavertError {
  constructor(message: string) { super('E_ALLOCATION', message); }
}

/** A stream method called in a state that does not allow it (e.g. SetFormat outside STOP). */
export class StateError extends WavertError {
  constructor(message: string) { super('E_STATE', message); }
}

/** An invalid scenario script: the message says file:line, the field, what was expected and found. */
export class ScenarioError extends WavertError {
  constructor(message: string) { super('E_SCENARIO', message); }
}

/** An invalid driver profile file (or an unknown profile name): file:line, the choice, expected and found. */
export class ProfileError extends WavertError {
  constructor(message: string) { super('E_PROFILE', message); }
}

/** A sink that cannot be opened or that failed while playing. */
export class SinkError extends WavertError {
  constructor(message: string) { super('E_SINK', message); }
}

/** The user interrupted the run (Ctrl-C), or a signal ended it: `signal` picks the exit code (130, 143, 129). */
export class InterruptedError extends WavertError {
  readonly signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT';
  constructor(message = 'interrupted', signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT' = 'SIGINT') {
    super('E_INTERRUPTED', message);
    this.signal = signal;
  }
}

// System errors as the words a user reads ("cannot open x.wav: no such file"), not errno codes.
const errnoPhrases: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EPIPE: 'the reading end of the pipe was closed',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ENAMETOOLONG: 'file name too long',
  EBADF: 'bad file descriptor',
};

/** "no such file" for ENOENT; the system message for anything unlisted. */
export function describeIoFailure(error: unknown): string {
  const errno = error as NodeJS.ErrnoException | null;
  if (errno?.code !== undefined && errnoPhrases[errno.code] !== undefined) return errnoPhrases[errno.code] as string;
  if (errno?.code !== undefined) return errno.code;
  return error instanceof Error ? error.message : String(error);
}
