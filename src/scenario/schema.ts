// The scenario file's fields: validated by validate.ts and published as schema/scenario.schema.json.
import { glitchKinds } from '../report/glitches.js';
import { builtinProfileNames, statusNames, underflowPolicies } from '../engine/index.js';
import { mmResultNames } from '../client/waveout-constants.js';
import { MAX_BYTES_PER_INTERVAL, usbIntervals, usbSpeeds, win32ErrorNames } from '../transport/index.js';
import { actionVariants } from './actions.js';
import { boolean, choice, integer, number, toJsonSchema, type FieldSpec, type ObjectSpec, type TaggedSpec } from './spec.js';

export const MAX_INPUT_MS = 600_000;
const MAX_FRAMES = 768_000 * 600;
const MAX_COUNT = 1_000_000_000;
const MAX_LATENCY_MS = 10_000;
export const MAX_TIMELINE_ENTRIES = 10_000;

const formatSpec: ObjectSpec = {
  kind: 'object',
  description: 'the sample format of a generated signal',
  fields: {
    encoding: choice(['pcm', 'float'], 'pcm (8-bit unsigned, 16/24/32-bit signed) or float (IEEE 32/64-bit)'),
    bitsPerSample: integer(8, 64, 'bits per sample: pcm 8, 16, 24 or 32; float 32 or 64'),
    channels: integer(1, 8, 'channels'),
    sampleRate: integer(1000, 768_000, 'frames per second'),
  },
  required: ['bitsPerSample', 'channels', 'sampleRate'],
};

const length = {
  durationMs: number(0, MAX_INPUT_MS, 'length of the signal in milliseconds (rounded to whole frames)'),
  frames: integer(0, MAX_FRAMES, 'length of the signal in frames'),
};
const amplitude = number(0, 1, 'peak amplitude, 0…1 of full scale (default 0.5)');
const signalCommon = { format: formatSpec, ...length };
const signalRequired = ['format'];
const signalLength = [['durationMs', 'frames']];

const inputSpec: TaggedSpec = {
  kind: 'tagged',
  description: 'what the client plays: a WAV file or a generated signal',
  tag: 'type',
  common: {},
  variants: {
    file: { description: 'a WAV file, relative to the scenario file', fields: { path: { kind: 'string', description: 'path of the WAV file' } }, required: ['path'] },
    sine: { description: 'a sine wave', fields: { ...signalCommon, frequencyHz: number(0, 384_000, 'frequency (default 440)'), amplitude }, required: signalRequired, exactlyOne: signalLength },
    chirp: {
      description: 'a linear sweep from frequencyHz to toFrequencyHz over the signal',
      fields: { ...signalCommon, frequencyHz: number(0, 384_000, 'start frequency (default 100)'), toFrequencyHz: number(0, 384_000, 'end frequency (default 10000)'), amplitude },
      required: signalRequired, exactlyOne: signalLength,
    },
    silence: { description: 'digital silence (0x80 for 8-bit PCM, 0 otherwise)', fields: signalCommon, required: signalRequired, exactlyOne: signalLength },
    counter: {
      description: 'a frame counter: every sample of frame i holds 1 + (i mod (2^(bits-1) - 1)) (float: the same over 2^24), never silence, so output ranges can be matched to input frames exactly',
      fields: signalCommon, required: signalRequired, exactlyOne: signalLength,
    },
    noise: {
      description: 'white noise, uniform, seeded',
      fields: { ...signalCommon, amplitude, seed: integer(0, 0xffff_ffff, 'seed of the noise (default: derived from the scenario seed)') },
      required: signalRequired, exactlyOne: signalLength,
    },
  },
};

const streamSpec: ObjectSpec = {
  kind: 'object',
  description: "the WaveRT stream: the same model options as `wavert render`",
  fields: {
    bufferMs: number(0.01, 10_000, 'requested buffer size in ms (default 20)'),
    bufferBytes: integer(1, 256 * 1024 * 1024, 'requested buffer size in bytes (rounded down to whole frames per packet)'),
    notifications: integer(0, 8, 'notification count N: packets per buffer (1 or 2; 3–8 a model extension; 0: AllocateAudioBuffer, no packet mode, every SetWritePacket answers STATUS_NOT_SUPPORTED)'),
    underflow: choice(underflowPolicies, "what the DMA plays for an unwritten packet (default: the profile's underflow, repeat)"),
    eosFill: boolean("silence-fill the buffer after the EOS point (default: the profile's eosSilenceFill: on for doc, off for sysvad)"),
    fifoBytes: integer(0, 64 * 1024 * 1024, 'hardware FIFO read past the EOS point, in bytes (default 0)'),
    chipsetDelay100ns: integer(0, 100_000_000, 'GetHWLatency ChipsetDelay, 100 ns units'),
    codecDelay100ns: integer(0, 100_000_000, 'GetHWLatency CodecDelay, 100 ns units'),
    profile: { kind: 'string', description: `the driver's choices: ${builtinProfileNames.join(' (the Windows docs, default) or ')} (the reference driver), or a profile file relative to the scenario (schema/profile.schema.json)` },
  },
  atMostOne: [['bufferMs', 'bufferBytes']],
};

const latencyMs = (description: string): FieldSpec => number(0, MAX_LATENCY_MS, description);
const latencyDistribution = (description: string): FieldSpec => ({
  kind: 'tagged',
  description,
  tag: 'distribution',
  common: {},
  variants: {
    fixed: { description: 'always the same', fields: { valueMs: latencyMs('latency') }, required: ['valueMs'] },
    uniform: { description: 'uniform between min and max', fields: { minMs: latencyMs('minimum'), maxMs: latencyMs('maximum') }, required: ['minMs', 'maxMs'] },
    normal: { description: 'normal, clipped at 0', fields: { meanMs: latencyMs('mean'), stddevMs: latencyMs('standard deviation') }, required: ['meanMs', 'stddevMs'] },
    lognormal: { description: 'log-normal: median × e^(sigma·N(0,1))', fields: { medianMs: latencyMs('median'), sigma: number(0, 5, 'shape') }, required: ['medianMs', 'sigma'] },
  },
});
const clientSpec: ObjectSpec = {
  kind: 'object',
  description: 'the OS render client: how long it takes to wake after each notification, and to process',
  fields: {
    wakeLatency: latencyDistribution('wake-up latency after each event, seeded from the scenario seed'),
    processingMs: latencyMs('time between waking and calling SetWritePacket (default 0)'),
    kind: choice(['packet', 'waveout'], 'packet (the WaveRT packet client, default) or waveout (a legacy WODM_WRITE application whose driver thread feeds the stream; wakeLatency is that thread\'s)'),
    wavehdrBytes: integer(1, 64 * 1024 * 1024, 'waveout: bytes per WAVEHDR, whole frames (default 50 ms of audio)'),
    wavehdrs: integer(1, 1024, 'waveout: WAVEHDRs the application cycles through (default 4)'),
    refillLatency: latencyDistribution("waveout: the application's delay from each WOM_DONE to the refilled header's write, seeded"),
  },
};

const transportSpec: ObjectSpec = {
  kind: 'object',
  description: 'what carries the DMA output to the device: direct (default) or a USB isochronous OUT pipe (WinUsb_WriteIsochPipeAsap)',
  fields: {
    kind: choice(['direct', 'usb'], 'direct or usb'),
    speed: choice(usbSpeeds, 'usb: full (1 ms frames) or high (125 µs microframes) (default full)'),
    interval: integer(1, 8, `usb: service interval in (micro)frames, one of ${usbIntervals.join(', ')} (default 1)`),
    maxBytesPerInterval: integer(1, MAX_BYTES_PER_INTERVAL.high, "usb: the endpoint's maximum bytes per interval (default: what the format needs)"),
  },
  required: ['kind'],
};

const timelineSpec: FieldSpec = {
  kind: 'list',
  maxItems: MAX_TIMELINE_ENTRIES,
  description: 'scripted actions, each at a packet (when that packet starts transferring: the notification for it, or RUN for packet 0) or at a time',
  item: {
    kind: 'tagged',
    description: 'one action',
    tag: 'action',
    common: {
      atPacket: integer(0, 0xffff_ffff, 'when the packet count first reaches this value (0: at RUN)'),
      atMs: number(0, 3_600_000, 'model time in ms since the run began'),
      note: { kind: 'string', description: 'free text, copied to the trace' },
    },
    commonExactlyOne: [['atPacket', 'atMs']],
    variants: actionVariants(),
  },
};

const count = (description: string): FieldSpec => ({ kind: 'count', min: 0, max: MAX_COUNT, description });
const framePair: FieldSpec = { kind: 'pair', item: integer(0, MAX_FRAMES * 2, 'frame index'), description: '[first, last] frame indices, inclusive' };

const expectSpec: ObjectSpec = {
  kind: 'object',
  description: 'what must hold after the run; every entry is reported with expected and actual',
  fields: {
    statuses: { kind: 'map', keys: [...statusNames.values()], value: count('number of SetWritePacket calls with this status'), description: 'SetWritePacket statuses by NTSTATUS name (only the listed ones are checked; 0 asserts absence)' },
    underrun: {
      kind: 'object',
      description: 'underflows: events (runs of consecutive unwritten packets), frames and packets',
      fields: { events: count('underrun events'), frames: count('underrun frames'), packets: count('underflowed packets') },
    },
    notifications: count('notification events signalled'),
    packetsWritten: count('SetWritePacket calls answered STATUS_SUCCESS'),
    writes: count('SetWritePacket calls'),
    packets: count('final packet count'),
    outputFrames: count('frames the device played (rendered.wav), FIFO overshoot included'),
    fifoOvershootBytes: count('bytes read by the FIFO past the EOS point'),
    eosReached: boolean('whether the DMA reached the EOS point'),
    glitches: {
      kind: 'list',
      maxItems: 1000,
      description: "the run's glitch list exactly, in output order (DESIGN §13); each entry checks the fields it gives",
      item: {
        kind: 'object',
        description: 'one glitch',
        fields: {
          kind: choice(glitchKinds, 'the kind of glitch'),
          startFrame: integer(0, MAX_FRAMES * 2, 'first output frame (rendered.wav) where it is heard'),
          frameCount: integer(0, MAX_FRAMES * 2, 'output frames it lasts'),
          packetNumber: integer(0, 0xffff_ffff, 'the (first) packet it belongs to'),
        },
        required: ['kind'],
      },
    },
    glitchCounts: { kind: 'map', keys: [...glitchKinds, 'total'], value: count('glitches of this kind'), description: "glitches per kind (and 'total'); only the listed kinds are checked, 0 asserts absence" },
    waveOut: {
      kind: 'object',
      description: 'waveOut (client.kind: waveout): the summary counters, return values by MMRESULT name, and the WOM_DONE order',
      fields: {
        headersDone: count('headers that got their WOM_DONE'),
        headersWritten: count('WODM_WRITE calls accepted'),
        starvedPackets: count('packets that went out with silence because the WAVEHDR queue was dry'),
        starvedFrames: count('frames of that silence'),
        loopRepeats: count('plays of a loop beyond its first'),
        resets: count('WODM_RESET calls'),
        results: { kind: 'map', keys: [...mmResultNames.values()], value: count('calls that returned it'), description: 'waveOut calls by MMRESULT name' },
        doneOrder: { kind: 'list', item: integer(-1, 1_000_000, 'header id'), maxItems: 1000, description: 'header ids in the order their WOM_DONE came (the first ones; the application\'s headers are 0, 1, …)' },
      },
    },
    usb: {
      kind: 'object',
      description: 'the USB transport (transport.kind: usb): counters of the isochronous pipe',
      fields: {
        frames: count('(micro)frames serviced while streaming, gaps included'),
        emptyFrames: count('(micro)frames without audio: gaps, dropped transfers, a dry host'),
        discontinuities: count('ContinueStream writes refused because their frame had passed'),
        droppedTransfers: count('transfers lost on the bus'),
        bytesPerFrameMin: count('fewest audio bytes in a (micro)frame (the last, short one aside)'),
        bytesPerFrameMax: count('most audio bytes in a (micro)frame'),
        failures: { kind: 'map', keys: [...win32ErrorNames.values()], value: count('failed writes'), description: 'failed WinUsb_WriteIsochPipeAsap calls by GetLastError name' },
      },
    },
    outputSha256: { kind: 'string', pattern: '^[0-9a-f]{64}$', patternHint: '64 lower-case hex digits', description: "SHA-256 of rendered.wav's audio data (the bytes of its data chunk)" },
    goldenWav: { kind: 'string', description: 'a WAV file (relative to the scenario) rendered.wav must equal in format and audio; --update-golden writes it' },
    ranges: {
      kind: 'list',
      maxItems: 1000,
      description: 'checks on frames of rendered.wav',
      item: {
        kind: 'object',
        description: "output frames [first, last] (inclusive, 0 = the first frame the device played) are silence / not silence / stale (each frame equals the output frame one buffer length earlier: what a repeat underflow or a FIFO overshoot without fill replays) / equal to input frames",
        fields: {
          frames: framePair,
          is: choice(['silence', 'not-silence', 'stale'], 'what the frames are'),
          equalsInput: { ...framePair, description: 'input frames [first, last] the output frames equal byte for byte (same length)' } as FieldSpec,
        },
        required: ['frames'],
        exactlyOne: [['is', 'equalsInput']],
      },
    },
  },
};

export const scenarioSpec: ObjectSpec = {
  kind: 'object',
  description: 'A wavert scenario: an input, a stream, a client, a timeline of actions and the expectations (wavert run).',
  fields: {
    name: { kind: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', patternHint: 'a name of letters, digits, ".", "_" and "-" (it names the output folder)', description: 'the scenario name (default: the file name without extension)' },
    description: { kind: 'string', description: 'what it reproduces and what a listener hears' },
    seed: integer(0, 0xffff_ffff, 'seeds everything random in the run (default 1)'),
    maxModelMs: number(1, 3_600_000, 'the run stops at this model time even if the stream never ends (default: input + pauses + 10 s)'),
    input: inputSpec,
    stream: streamSpec,
    client: clientSpec,
    transport: transportSpec,
    timeline: timelineSpec,
    expect: expectSpec,
  },
  required: ['input'],
};

/** The published JSON Schema of scenario files. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/wavert/wavert/schema/scenario.schema.json',
    title: 'wavert scenario',
    ...toJsonSchema(scenarioSpec),
  };
}
