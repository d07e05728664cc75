import type { Scheduler } from '../clock/scheduler.js';
import { WaveRTStream } from './stream.js';
import { STATUS_INVALID_DEVICE_STATE, STATUS_SUCCESS, type NtStatus } from './status.js';
import type { AudioFormat, DeviceDescription, StreamOptions } from './types.js';

/** IMiniportWaveRT: initialisation, stream creation and the device description. */
export class WaveRTMiniport {
  private initialized = false;
  private readonly scheduler: Scheduler;
  private readonly streams = new Set<WaveRTStream>();

  constructor(scheduler: Scheduler) {
    this.scheduler = scheduler;
  }

  /** IMiniportWaveRT::Init */
  init(): NtStatus {
    this.initialized = true;
    return STATUS_SUCCESS;
  }

  /** IMiniportWaveRT::NewStream for a render pin. */
  newStream(format: AudioFormat, options: StreamOptions = {}): { status: NtStatus; stream: WaveRTStream | null } {
    if (!this.initialized) return { status: STATUS_INVALID_DEVICE_STATE, stream: null };
    const stream = new WaveRTStream(this.scheduler, format, options);
    this.streams.add(stream);
    return { status: STATUS_SUCCESS, stream };
  }

  /** IMiniportWaveRT::GetDeviceDescription */
  getDeviceDescription(): DeviceDescription {
    return {
      version: 2, master: true, scatterGather: true, dma32BitAddresses: true,
      maximumLength: 0x7fffffff, name: 'wavert model render device',
    };
  }
}
