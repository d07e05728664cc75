import { InterruptedError, WavertError, type ErrorCode } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_EXPECTATION_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_SINK_FAILED = 3;
/** `run`: a scenario crashed its worker or ran past --timeout-s. */
export const EXIT_RUN_CRASHED = 4;
/** An internal error (a bug): EX_SOFTWARE. */
export const EXIT_INTERNAL = 70;
/** 128 + the signal number, as shells report a process ended by a signal. */
export const EXIT_INTERRUPTED = 130;
export const EXIT_BY_SIGNAL: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT', number>> = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 };

const exitCodeByErrorCode: Record<ErrorCode, number> = {
  E_USAGE: EXIT_BAD_INPUT,
  E_WAV: EXIT_BAD_INPUT,
  E_IO: EXIT_BAD_INPUT,
  E_ALLOCATION: EXIT_BAD_INPUT,
  E_STATE: EXIT_BAD_INPUT,
  E_SCENARIO: EXIT_BAD_INPUT,
  E_PROFILE: EXIT_BAD_INPUT,
  E_SINK: EXIT_SINK_FAILED,
  E_INTERRUPTED: EXIT_INTERRUPTED,
};

export function exitCodeFor(error: unknown): number {
  if (error instanceof InterruptedError) return EXIT_BY_SIGNAL[error.signal];
  return error instanceof WavertError ? exitCodeByErrorCode[error.code] : EXIT_INTERNAL;
}
