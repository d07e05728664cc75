// The CLI's view of the outside world, injectable so commands are testable without a process.
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; fd?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  // stdin only when a command reads it: opening it costs a millisecond and makes a stdin pipe non-blocking
  return {
    stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(),
    get stdin() {
      return process.stdin;
    },
  };
}
