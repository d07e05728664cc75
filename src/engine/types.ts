// Types shared by the stream model and its callers. Names follow the DDI (ks.h, ksmedia.h, portcls.h).
import { builtinProfileNames, type DriverProfile } from './profile.js';

/** KSSTATE. The port driver always steps through neighbours: STOP ⇄ ACQUIRE ⇄ PAUSE ⇄ RUN. */
export type KsState = 'STOP' | 'ACQUIRE' | 'PAUSE' | 'RUN';
export const ksStateOrder: readonly KsState[] = ['STOP', 'ACQUIRE', 'PAUSE', 'RUN'];

/** KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM */
export const KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM = 0x200;

/** The built-in profiles: `doc` follows the Windows docs where they speak; `sysvad` is the reference driver. */
export type Profile = 'doc' | 'sysvad';
/** The built-ins' names (the table in profile.ts is the one list). */
export const profiles = builtinProfileNames as readonly Profile[];

/** What the DMA plays for a packet that was not written in time. */
export type UnderflowPolicy = 'repeat' | 'silence';
export const underflowPolicies: readonly UnderflowPolicy[] = ['repeat', 'silence'];

/** The part of a WAV format the stream needs; WavFormat satisfies it. */
export interface AudioFormat {
  encoding: 'pcm' | 'float';
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
}

/** KSRTAUDIO_HWLATENCY: FifoSize in bytes, the delays in 100 ns units. */
export interface HwLatency {
  fifoSizeInBytes: number;
  chipsetDelayIn100ns: number;
  codecDelayIn100ns: number;
}

/** Per-stream options chosen by whoever creates the stream (the profile fills the defaults). */
export interface StreamOptions {
  /** The driver's choices (profile.ts), or a built-in's name; default `doc`. */
  profile?: DriverProfile | Profile;
  underflowPolicy?: UnderflowPolicy;
  eosSilenceFill?: boolean;
  hwLatency?: Partial<HwLatency>;
}

/** Where the DMA's output goes: the DAC side (a sink, a file, a USB pipe). Must copy, never keep `source`. */
export interface DmaOutput {
  writeFrom(source: Buffer, offsetInBytes: number, lengthInBytes: number, timeNs: number): void;
}

export interface AllocationResult {
  status: number;
  requestedSizeInBytes: number;
  actualSizeInBytes: number;
  notificationCount: number;
  packetSizeInBytes: number;
  /** True when N > 2: the model accepts up to 8 as an extension of the documented 1 or 2. */
  extension: boolean;
  /** True when the packets split a frame (allocationRounding: block-align); the model cannot run such a buffer. */
  packetsSplitFrames: boolean;
  /** The reference driver's notification interval in whole ms (used by packetClock: timer-1ms). */
  notificationIntervalMs: number;
  /** Why the request was refused, when status is not STATUS_SUCCESS. */
  reason?: string;
}

/** KSAUDIO_POSITION */
export interface AudioPosition {
  playOffsetInBytes: number;
  writeOffsetInBytes: number;
}

/** GetPosition's NTSTATUS with its KSAUDIO_POSITION. */
export interface PositionResult extends AudioPosition {
  status: number;
}

/** GetPacketCount's NTSTATUS with its ULONG (STATUS_NOT_SUPPORTED without a notification buffer). */
export interface PacketCountResult {
  status: number;
  packetCount: number;
}

/** KSAUDIO_PRESENTATION_POSITION with the call's NTSTATUS, and the model clock in place of QPC. */
export interface PresentationPosition {
  status: number;
  positionInBlocks: number;
  timeNs: number;
}

/** KSRTAUDIO_HWREGISTER, with a reader in place of a mapped register address. */
export interface HwRegister {
  widthInBits: number;
  numerator: number;
  denominator: number;
  accuracy: number;
  read(): number;
}

/** DEVICE_DESCRIPTION, reduced to what a model of a bus-master DMA device says about itself. */
export interface DeviceDescription {
  version: number;
  master: boolean;
  scatterGather: boolean;
  dma32BitAddresses: boolean;
  maximumLength: number;
  name: string;
}
