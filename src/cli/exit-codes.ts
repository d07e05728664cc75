import { WavertError, type ErrorCode } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_EXPECTATION_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_SINK_FAILED = 3;
export const EXIT_INTERRUPTED = 130;

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
  return error instanceof WavertError ? exitCodeByErrorCode[error.code] : 70;
}
