// What the CLI and the speaker worker process agree on: the worker's argument and its exit codes.
export interface SpeakerWorkerConfig {
  channels: number;
  sampleRate: number;
  bitDepth: number;
  float: boolean;
  signed: boolean;
  device: string | undefined;
  probe: boolean;
}

export const SPEAKER_NOT_INSTALLED_EXIT = 4;
export const SPEAKER_ERROR_EXIT = 5;
