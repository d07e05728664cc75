export {
  type SampleEncoding, type WavFormat,
  silenceByte, formatDescription, formatTagDescription, formatTagOf, pcmFormat, channelMaskDescription, defaultChannelMask,
  WAVE_FORMAT_PCM, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_EXTENSIBLE, MIN_CHANNELS, MAX_CHANNELS, MIN_SAMPLE_RATE_HZ, MAX_SAMPLE_RATE_HZ,
} from './format.js';
export { WavReader, type WavChunkInfo } from './reader.js';
export { WavWriter, wavHeader } from './writer.js';
