// Win32 error codes (winerror.h) that WinUsb_* calls leave for GetLastError, named so they can be grepped for.

export const ERROR_SUCCESS = 0;
export const ERROR_INVALID_HANDLE = 6;
/** The model's choice for a ContinueStream transfer whose frame has passed: the docs name no code. */
export const ERROR_GEN_FAILURE = 31;
export const ERROR_INVALID_PARAMETER = 87;

export const win32ErrorNames: ReadonlyMap<number, string> = new Map([
  [ERROR_SUCCESS, 'ERROR_SUCCESS'],
  [ERROR_INVALID_HANDLE, 'ERROR_INVALID_HANDLE'],
  [ERROR_GEN_FAILURE, 'ERROR_GEN_FAILURE'],
  [ERROR_INVALID_PARAMETER, 'ERROR_INVALID_PARAMETER'],
]);

export function win32ErrorName(code: number): string {
  return win32ErrorNames.get(code) ?? `Win32 error ${code}`;
}
