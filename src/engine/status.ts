// NTSTATUS values, named as in ntstatus.h so driver developers can grep for them.

export const STATUS_SUCCESS = 0x00000000;
export const STATUS_UNSUCCESSFUL = 0xc0000001;
export const STATUS_INVALID_PARAMETER = 0xc000000d;
export const STATUS_INVALID_DEVICE_REQUEST = 0xc0000010;
export const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
export const STATUS_DATA_OVERRUN = 0xc000003c;
export const STATUS_DATA_LATE_ERROR = 0xc000003d;
export const STATUS_NOT_SUPPORTED = 0xc00000bb;
export const STATUS_INVALID_DEVICE_STATE = 0xc0000184;

export type NtStatus = number;

export const statusNames: ReadonlyMap<number, string> = new Map([
  [STATUS_SUCCESS, 'STATUS_SUCCESS'],
  [STATUS_UNSUCCESSFUL, 'STATUS_UNSUCCESSFUL'],
  [STATUS_INVALID_PARAMETER, 'STATUS_INVALID_PARAMETER'],
  [STATUS_INVALID_DEVICE_REQUEST, 'STATUS_INVALID_DEVICE_REQUEST'],
  [STATUS_BUFFER_TOO_SMALL, 'STATUS_BUFFER_TOO_SMALL'],
  [STATUS_DATA_OVERRUN, 'STATUS_DATA_OVERRUN'],
  [STATUS_DATA_LATE_ERROR, 'STATUS_DATA_LATE_ERROR'],
  [STATUS_NOT_SUPPORTED, 'STATUS_NOT_SUPPORTED'],
  [STATUS_INVALID_DEVICE_STATE, 'STATUS_INVALID_DEVICE_STATE'],
]);

export function statusName(status: NtStatus): string {
  return statusNames.get(status) ?? `0x${formatStatusHex(status)}`;
}

export function statusHex(status: NtStatus): string {
  return `0x${formatStatusHex(status)}`;
}

export function statusByName(name: string): NtStatus | undefined {
  for (const [value, statusNameValue] of statusNames) if (statusNameValue === name) return value;
  return undefined;
}

export function ntSuccess(status: NtStatus): boolean {
  return (status >>> 0) < 0x80000000;
}

function formatStatusHex(status: NtStatus): string {
  return (status >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
