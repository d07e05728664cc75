import type { WaveRTStream } from './stream.js';
import { STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_DEVICE_REQUEST, type NtStatus } from './status.js';

/** KSPROPERTY_TYPE_GET / SET, from ks.h. */
export const KSPROPERTY_TYPE_GET = 0x1;
export const KSPROPERTY_TYPE_SET = 0x2;
/** KSPROPERTY_RTAUDIO_SETWRITEPACKET's id: its place in the KSPROPERTY_RTAUDIO enumeration (ksmedia.h). */
export const KSPROPERTY_RTAUDIO_SETWRITEPACKET = 12;
/** sizeof(KSRTAUDIO_SETWRITEPACKET_INFO): ULONG PacketNumber, DWORD Flags, ULONG EosPacketLength. */
export const KSRTAUDIO_SETWRITEPACKET_INFO_SIZE = 12;

export type KsPropertyTarget = 'pin' | 'filter' | 'node';

export interface KsPropertyRequest {
  id: number;
  flags: number;
  target: KsPropertyTarget;
  /** The property value buffer (little-endian, as the kernel sees it). */
  value: Uint8Array;
}

/** Builds the value of KSPROPERTY_RTAUDIO_SETWRITEPACKET. */
export function encodeSetWritePacketInfo(packetNumber: number, flags: number, eosPacketLength: number): Uint8Array {
  const value = new Uint8Array(KSRTAUDIO_SETWRITEPACKET_INFO_SIZE);
  const view = new DataView(value.buffer);
  view.setUint32(0, packetNumber >>> 0, true);
  view.setUint32(4, flags >>> 0, true);
  view.setUint32(8, eosPacketLength >>> 0, true);
  return value;
}

/**
 * The KS property path to SetWritePacket (seed 000): Set only, pin target, value KSRTAUDIO_SETWRITEPACKET_INFO.
 * It ends in the same rules and the same status as the miniport method.
 */
export function handleSetWritePacketProperty(stream: WaveRTStream, request: KsPropertyRequest): NtStatus {
  if (request.id !== KSPROPERTY_RTAUDIO_SETWRITEPACKET) return STATUS_INVALID_DEVICE_REQUEST;
  if ((request.flags & KSPROPERTY_TYPE_SET) === 0 || (request.flags & KSPROPERTY_TYPE_GET) !== 0) return STATUS_INVALID_DEVICE_REQUEST;
  if (request.target !== 'pin') return STATUS_INVALID_DEVICE_REQUEST;
  if (request.value.byteLength < KSRTAUDIO_SETWRITEPACKET_INFO_SIZE) return STATUS_BUFFER_TOO_SMALL;
  const view = new DataView(request.value.buffer, request.value.byteOffset, KSRTAUDIO_SETWRITEPACKET_INFO_SIZE);
  return stream.setWritePacket(view.getUint32(0, true), view.getUint32(4, true), view.getUint32(8, true));
}
