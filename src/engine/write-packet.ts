// SetWritePacket's rules (DESIGN §5), as a pure decision: which status, and which packet is stored.
import {
  STATUS_DATA_LATE_ERROR, STATUS_DATA_OVERRUN, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED, STATUS_SUCCESS, type NtStatus,
} from './status.js';
import type { ProfileChoices } from './profile.js';
import { KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, type KsState } from './types.js';

const TWO_POW_32 = 0x1_0000_0000;

/** Storable packets as deltas from the packet count c, inclusive. */
export interface PacketWindow {
  lowest: number;
  highest: number;
}

/** Which window applies: RUN, before any byte of packet c was transferred, or PAUSE with the DMA inside c. */
export type WindowPhase = 'run' | 'preroll' | 'paused-after-run';

export function windowPhase(state: KsState, dmaHasStartedSinceStop: boolean): WindowPhase {
  if (state === 'RUN') return 'run';
  return dmaHasStartedSinceStop ? 'paused-after-run' : 'preroll';
}

/** The storable packets for N packets per buffer in this phase (runWindow / prerollWindow / pausedWindow). */
export function packetWindow(choices: ProfileChoices, notificationCount: number, phase: WindowPhase): PacketWindow {
  const usesRunWindow = phase === 'run' || (phase === 'paused-after-run' && choices.pausedWindow === 'run-window');
  if (usesRunWindow) {
    // packet c is transferring; with N = 1 the doc still takes c+1 into the slot being transferred
    return { lowest: 1, highest: choices.runWindow === 'next-only' ? 1 : Math.max(1, notificationCount - 1) };
  }
  return { lowest: 0, highest: choices.prerollWindow === 'current-only' ? 0 : Math.max(0, notificationCount - 1) };
}

/**
 * `value % 2^32` (a linear packet number as the ULONG the DDI carries). A number already in range is returned as it
 * is: on doubles `%` is a call to fmod, and this runs several times per packet.
 */
export function modUlong(value: number): number {
  return value >= 0 && value < TWO_POW_32 ? value : value % TWO_POW_32;
}

/** The signed 32-bit distance of a ULONG packet number from the count, as the reference computes it. */
export function packetDelta(packetNumber: number, packetCount: number): number {
  return ((packetNumber >>> 0) - modUlong(packetCount)) | 0;
}

/**
 * The checks in order; a refused call changes nothing. Doc: not-supported, unknown flags, EOS received,
 * the window, the EOS length. The reference (SetWritePacket) has no flags check and tests the EOS length
 * against the packet size only. `packetCount` is linear; `window` is the one of the stream's phase. Scalars in,
 * a status out: it runs for every packet.
 */
export function writeStatus(
  choices: ProfileChoices, window: PacketWindow, notificationCount: number, packetSizeInBytes: number, blockAlign: number,
  packetCount: number, eosReceived: boolean, packetNumber: number, flags: number, eosPacketLength: number,
): NtStatus {
  if (notificationCount === 0) return STATUS_NOT_SUPPORTED;
  if (choices.unknownFlags === 'invalid-parameter' && (flags & ~KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) !== 0) return STATUS_INVALID_PARAMETER;
  if (eosReceived) return STATUS_INVALID_DEVICE_STATE;
  const delta = packetDelta(packetNumber, packetCount);
  if (delta < window.lowest) return STATUS_DATA_LATE_ERROR;
  if (delta > window.highest) return STATUS_DATA_OVERRUN;
  if ((flags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM) !== 0) {
    const misaligned = choices.eosLengthCheck === 'packet-size-and-block-align' && eosPacketLength % blockAlign !== 0;
    if (eosPacketLength > packetSizeInBytes || misaligned) return STATUS_INVALID_PARAMETER;
  }
  return STATUS_SUCCESS;
}

export interface EosPoint {
  /** The linear frame where the stream ends; +Infinity when it never does. */
  frame: number;
  neverEnds: boolean;
}

/**
 * Where an accepted EOS ends the stream. `in-packet`: eosPacketLength into the EOS packet. `modulo-buffer`
 * (the reference's SetWritePacket + UpdatePosition): the first frame at or after the DMA's position whose
 * buffer offset equals slot offset + length; an offset equal to the buffer size is never reached.
 */
export function eosPoint(
  choices: ProfileChoices, linearPacket: number, eosPacketLength: number, blockAlign: number,
  packetFrames: number, notificationCount: number, dmaFrame: number,
): EosPoint {
  const lengthFrames = Math.floor(eosPacketLength / blockAlign);
  const bufferFrames = packetFrames * notificationCount;
  const slot = linearPacket % notificationCount;
  const offsetFrames = slot * packetFrames + lengthFrames;
  const atBufferEnd = offsetFrames === bufferFrames;
  if (atBufferEnd && choices.eosAtBufferEnd === 'never-ends') return { frame: Number.POSITIVE_INFINITY, neverEnds: true };
  // a driver that does end there ends at the end of that packet, whichever way it compares offsets
  if (choices.eosOffset === 'in-packet' || atBufferEnd) return { frame: linearPacket * packetFrames + lengthFrames, neverEnds: false };
  const target = offsetFrames % bufferFrames;
  const here = dmaFrame % bufferFrames;
  return { frame: dmaFrame + ((target - here + bufferFrames) % bufferFrames), neverEnds: false };
}
