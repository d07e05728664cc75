// mmsystem.h names and values for the legacy waveOut path (seed 002, DESIGN §8), so they can be grepped for.

/** MMRESULT: what every waveOut/wodMessage call returns. */
export type MmResult = number;

export const MMSYSERR_NOERROR = 0;
export const MMSYSERR_INVALHANDLE = 5;
export const MMSYSERR_INVALPARAM = 11;
export const WAVERR_BASE = 32;
export const WAVERR_BADFORMAT = WAVERR_BASE + 0;
export const WAVERR_STILLPLAYING = WAVERR_BASE + 1;
export const WAVERR_UNPREPARED = WAVERR_BASE + 2;
export const WAVERR_SYNC = WAVERR_BASE + 3;

export const mmResultNames: ReadonlyMap<number, string> = new Map([
  [MMSYSERR_NOERROR, 'MMSYSERR_NOERROR'],
  [MMSYSERR_INVALHANDLE, 'MMSYSERR_INVALHANDLE'],
  [MMSYSERR_INVALPARAM, 'MMSYSERR_INVALPARAM'],
  [WAVERR_BADFORMAT, 'WAVERR_BADFORMAT'],
  [WAVERR_STILLPLAYING, 'WAVERR_STILLPLAYING'],
  [WAVERR_UNPREPARED, 'WAVERR_UNPREPARED'],
  [WAVERR_SYNC, 'WAVERR_SYNC'],
]);

export function mmResultName(result: MmResult): string {
  return mmResultNames.get(result) ?? `MMRESULT ${result}`;
}

export function mmResultByName(name: string): MmResult | undefined {
  for (const [value, resultName] of mmResultNames) if (resultName === name) return value;
  return undefined;
}

/** WAVEHDR.dwFlags */
export const WHDR_DONE = 0x1;
export const WHDR_PREPARED = 0x2;
export const WHDR_BEGINLOOP = 0x4;
export const WHDR_ENDLOOP = 0x8;
export const WHDR_INQUEUE = 0x10;

const headerFlagNames: ReadonlyArray<readonly [number, string]> = [
  [WHDR_DONE, 'WHDR_DONE'],
  [WHDR_PREPARED, 'WHDR_PREPARED'],
  [WHDR_BEGINLOOP, 'WHDR_BEGINLOOP'],
  [WHDR_ENDLOOP, 'WHDR_ENDLOOP'],
  [WHDR_INQUEUE, 'WHDR_INQUEUE'],
];

/** "WHDR_DONE|WHDR_PREPARED", or "0" when no flag is set. */
export function headerFlagsName(flags: number): string {
  const names = headerFlagNames.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
  return names.length > 0 ? names.join('|') : '0';
}

/** Callback messages (MM_WOM_*). */
export const WOM_OPEN = 0x3bb;
export const WOM_CLOSE = 0x3bc;
export const WOM_DONE = 0x3bd;

export const waveOutMessageNames: ReadonlyMap<number, string> = new Map([
  [WOM_OPEN, 'WOM_OPEN'],
  [WOM_CLOSE, 'WOM_CLOSE'],
  [WOM_DONE, 'WOM_DONE'],
]);
