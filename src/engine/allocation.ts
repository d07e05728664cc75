// AllocateBufferWithNotification, AllocateAudioBuffer and SetFormat: what the driver answers, as pure plans.
import {
  STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, STATUS_UNSUCCESSFUL,
  type NtStatus,
} from './status.js';
import type { ProfileChoices } from './profile.js';
import type { AllocationResult, AudioFormat, KsState } from './types.js';

/** The documented notification counts are 1 and 2; up to this many is accepted as a model extension. */
export const MAX_NOTIFICATION_COUNT = 8;

function refused(status: NtStatus, requestedSizeInBytes: number, notificationCount: number, reason: string): AllocationResult {
  return {
    status, requestedSizeInBytes, actualSizeInBytes: 0, notificationCount, packetSizeInBytes: 0,
    extension: false, packetsSplitFrames: false, notificationIntervalMs: 0, reason,
  };
}

/**
 * IMiniportWaveRTStreamNotification::AllocateBufferWithNotification. The doc rounds down to whole-frame packets;
 * the reference (AllocateBufferWithNotification) refuses sizes N does not divide and rounds to block align only.
 */
export function planNotificationBuffer(
  choices: ProfileChoices, format: AudioFormat, state: KsState, requestedSizeInBytes: number, notificationCount: number,
): AllocationResult {
  const blockAlign = format.blockAlign;
  if (state !== 'STOP') return refused(STATUS_INVALID_DEVICE_STATE, requestedSizeInBytes, notificationCount, 'the stream is not in STOP');
  const blockAlignOnly = choices.allocationRounding === 'block-align';
  const smallest = blockAlignOnly ? blockAlign : notificationCount * blockAlign;
  const countOk = Number.isInteger(notificationCount) && notificationCount >= 1 && notificationCount <= MAX_NOTIFICATION_COUNT;
  const sizeOk = Number.isInteger(requestedSizeInBytes) && requestedSizeInBytes >= Math.max(1, countOk ? smallest : blockAlign);
  // the reference tests the size before the count; the doc order is the count first
  const countFailure = (): AllocationResult => refused(STATUS_INVALID_PARAMETER, requestedSizeInBytes, notificationCount, `notification count ${notificationCount} is outside 1…${MAX_NOTIFICATION_COUNT}`);
  const sizeFailure = (): AllocationResult => refused(STATUS_UNSUCCESSFUL, requestedSizeInBytes, notificationCount, blockAlignOnly
    ? `requested size ${requestedSizeInBytes} bytes is smaller than one ${blockAlign}-byte frame`
    : `requested size ${requestedSizeInBytes} bytes is smaller than ${notificationCount} packet${notificationCount === 1 ? '' : 's'} of one ${blockAlign}-byte frame`);
  if (blockAlignOnly) {
    if (!sizeOk) return sizeFailure();
    if (!countOk) return countFailure();
  } else {
    if (!countOk) return countFailure();
    if (!sizeOk) return sizeFailure();
  }
  if (choices.allocationDivisibility === 'invalid-parameter' && requestedSizeInBytes % notificationCount !== 0) {
    return refused(STATUS_INVALID_PARAMETER, requestedSizeInBytes, notificationCount, `requested size ${requestedSizeInBytes} bytes is not divisible by the notification count ${notificationCount}`);
  }
  const granule = blockAlignOnly ? blockAlign : notificationCount * blockAlign;
  const actualSizeInBytes = requestedSizeInBytes - (requestedSizeInBytes % granule);
  // the reference computes the packet size as m_ulDmaBufferSize / m_ulNotificationsPerBuffer (SetWritePacket)
  const packetSizeInBytes = Math.floor(actualSizeInBytes / notificationCount);
  const packetsSplitFrames = packetSizeInBytes * notificationCount !== actualSizeInBytes || packetSizeInBytes % blockAlign !== 0;
  return {
    status: STATUS_SUCCESS, requestedSizeInBytes, actualSizeInBytes, notificationCount, packetSizeInBytes,
    extension: notificationCount > 2, packetsSplitFrames,
    notificationIntervalMs: notificationIntervalMs(actualSizeInBytes, notificationCount, format),
    ...(packetsSplitFrames ? { reason: `${actualSizeInBytes} bytes in ${notificationCount} packets of ${packetSizeInBytes} bytes split a ${blockAlign}-byte frame` } : {}),
  };
}

/**
 * The reference driver's notification interval: the buffer duration in whole ms, divided by N, truncated
 * (AllocateBufferWithNotification: ulBufferDurationMs = RequestedSize_ * 1000 / m_ulDmaMovementRate).
 */
export function notificationIntervalMs(sizeInBytes: number, notificationCount: number, format: AudioFormat): number {
  const bytesPerSecond = format.sampleRate * format.blockAlign;
  return Math.floor(Math.floor((sizeInBytes * 1000) / bytesPerSecond) / notificationCount);
}

/** IMiniportWaveRTStream::AllocateAudioBuffer: a buffer without notifications (no packet mode). */
export function planAudioBuffer(format: AudioFormat, state: KsState, requestedSizeInBytes: number): AllocationResult {
  const blockAlign = format.blockAlign;
  if (state !== 'STOP') return refused(STATUS_INVALID_DEVICE_STATE, requestedSizeInBytes, 0, 'the stream is not in STOP');
  if (!Number.isInteger(requestedSizeInBytes) || requestedSizeInBytes < blockAlign) {
    return refused(STATUS_UNSUCCESSFUL, requestedSizeInBytes, 0, `requested size ${requestedSizeInBytes} bytes is smaller than one ${blockAlign}-byte frame`);
  }
  const actualSizeInBytes = requestedSizeInBytes - (requestedSizeInBytes % blockAlign);
  return {
    status: STATUS_SUCCESS, requestedSizeInBytes, actualSizeInBytes, notificationCount: 0, packetSizeInBytes: 0,
    extension: false, packetsSplitFrames: false, notificationIntervalMs: 0,
  };
}

/**
 * IMiniportWaveRTStream::SetFormat. The doc: only in STOP, and only to a format whose frames divide the
 * allocated packets (a 500-byte packet cannot hold 8-byte frames). The reference: always STATUS_NOT_SUPPORTED.
 */
export function checkSetFormat(choices: ProfileChoices, state: KsState, format: AudioFormat, packetSizeInBytes: number): NtStatus {
  if (choices.setFormat === 'not-supported') return STATUS_NOT_SUPPORTED;
  if (state !== 'STOP') return STATUS_INVALID_DEVICE_STATE;
  if (!Number.isInteger(format.blockAlign) || format.blockAlign < 1) return STATUS_INVALID_PARAMETER;
  if (packetSizeInBytes > 0 && packetSizeInBytes % format.blockAlign !== 0) return STATUS_INVALID_PARAMETER;
  return STATUS_SUCCESS;
}
