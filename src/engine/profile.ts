// A driver profile: the places where WaveRT drivers may differ, as a table of named choices (DESIGN §10).
// The engine reads these values, one place per choice; nothing in the engine asks for a profile by name.
// Every choice says what the Windows docs say (the `doc` value) and what the reference driver does
// (Windows-driver-samples audio/sysvad/EndpointsCommon/minwavertstream.cpp), with the function.

export interface ProfileChoices {
  /** Storable packets in RUN, as deltas from the packet count c. */
  runWindow: 'up-to-buffer' | 'next-only';
  /** Storable packets before RUN (no byte of packet c transferred yet). */
  prerollWindow: 'whole-buffer' | 'current-only';
  /** Which window applies in PAUSE after RUN, when the DMA stands inside packet c. */
  pausedWindow: 'run-window' | 'preroll-window';
  /** SetWritePacket with a flag other than KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM. */
  unknownFlags: 'invalid-parameter' | 'ignored';
  /** What an EOS packet length is checked against. */
  eosLengthCheck: 'packet-size-and-block-align' | 'packet-size-only';
  /** Whether the buffer after the EOS point is silence-filled (the FIFO then overshoots into silence). */
  eosSilenceFill: boolean;
  /** What the DMA plays for a packet that was not written in time. */
  underflow: 'repeat' | 'silence';
  /** How AllocateBufferWithNotification rounds the requested size. */
  allocationRounding: 'whole-frame-packets' | 'block-align';
  /** A requested size that N does not divide. */
  allocationDivisibility: 'rounded' | 'invalid-parameter';
  /** SetFormat. */
  setFormat: 'in-stop-if-packets-divide' | 'not-supported';
  /** What clocks the packet count and the notification events. */
  packetClock: 'exact' | 'timer-1ms';
  /** The packet count once an EOS has been received. */
  countAfterEos: 'runs-to-eos-point' | 'stops';
  /** The presentation position after the EOS point has been played. */
  presentationAfterEos: 'stops-at-eos-point' | 'keeps-growing';
  /** What GetHWLatency reports. */
  hwLatency: 'modelled' | 'zero';
  /** Where the EOS point is: in the EOS packet, or the first time the DMA reaches its buffer offset. */
  eosOffset: 'in-packet' | 'modulo-buffer';
  /** A full-length EOS on the last slot of the buffer (its offset is the buffer size). */
  eosAtBufferEnd: 'ends' | 'never-ends';
}

export type ChoiceName = keyof ProfileChoices;

export interface DriverProfile {
  /** `doc`, `sysvad`, or the user's own name (a file's `name:`, else the file name). */
  name: string;
  description: string;
  /** The built-in this profile starts from (null for a built-in). */
  extends: string | null;
  /** The file a user profile came from (null for a built-in). */
  file: string | null;
  choices: ProfileChoices;
}

export interface ChoiceDefinition {
  name: ChoiceName;
  values: readonly string[] | 'boolean';
  /** What the choice decides, in a line. */
  summary: string;
  /** What the Windows docs say (the `doc` profile's value). */
  doc: string;
  /** What the reference driver does, and the function it does it in (the `sysvad` profile's value). */
  reference: string;
}

const SAMPLE = 'minwavertstream.cpp';

/** The table of choices, in the order they are listed and documented. */
export const choiceDefinitions: readonly ChoiceDefinition[] = [
  {
    name: 'runWindow', values: ['up-to-buffer', 'next-only'],
    summary: 'the packets SetWritePacket may store in RUN, from the packet count c',
    doc: 'c+1 … c+N-1 (for N = 2 exactly c+1; N = 1: c+1, which overwrites the slot being transferred)',
    reference: `exactly c+1 whatever N is (${SAMPLE}, SetWritePacket: expectedPacket = currentPacket + 1 in KSSTATE_RUN)`,
  },
  {
    name: 'prerollWindow', values: ['whole-buffer', 'current-only'],
    summary: 'the packets SetWritePacket may store before RUN',
    doc: 'c … c+N-1 (the whole buffer can be pre-rolled)',
    reference: `exactly c (${SAMPLE}, SetWritePacket: expectedPacket = currentPacket when not in KSSTATE_RUN)`,
  },
  {
    name: 'pausedWindow', values: ['run-window', 'preroll-window'],
    summary: 'the window in PAUSE after RUN, when the DMA stands inside packet c',
    doc: 'packet c is being transferred, so the RUN window applies: a write of c is LATE and an EOS can never be placed behind the DMA',
    reference: `the pre-roll window: any state but KSSTATE_RUN expects packet c (${SAMPLE}, SetWritePacket)`,
  },
  {
    name: 'unknownFlags', values: ['invalid-parameter', 'ignored'],
    summary: 'a SetWritePacket flag other than KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM (0x200)',
    doc: 'STATUS_INVALID_PARAMETER, checked before the EOS-received and packet-number checks',
    reference: `ignored: only the EOS bit is tested (${SAMPLE}, SetWritePacket: Flags & KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM)`,
  },
  {
    name: 'eosLengthCheck', values: ['packet-size-and-block-align', 'packet-size-only'],
    summary: 'what the EOS packet length (bytes) is checked against',
    doc: '0 … packetSize and a multiple of block align, else STATUS_INVALID_PARAMETER',
    reference: `only EosPacketLength > packetSize is refused (${SAMPLE}, SetWritePacket); the model then ends at the last whole frame before that byte`,
  },
  {
    name: 'eosSilenceFill', values: 'boolean',
    summary: 'whether the buffer after the EOS point is silence-filled, so the FIFO overshoot plays silence',
    doc: 'true: the overshoot is silence (`--no-eos-fill` turns it off)',
    reference: `false: nothing fills the buffer after EOS (${SAMPLE}, UpdatePosition only clamps the read position)`,
  },
  {
    name: 'underflow', values: ['repeat', 'silence'],
    summary: 'what the DMA plays for a packet whose transfer begins unwritten',
    doc: "repeat (what hardware does); the docs' \"audible gap rather than repeating\" is `silence`",
    reference: `repeat: the read position runs on over stale data, the glitch is only reported (${SAMPLE}, TimerNotifyRT: eMINIPORT_GLITCH_REPORT)`,
  },
  {
    name: 'allocationRounding', values: ['whole-frame-packets', 'block-align'],
    summary: 'how AllocateBufferWithNotification rounds the requested size',
    doc: 'down to a multiple of N × block align, so every packet is whole frames; below that STATUS_UNSUCCESSFUL',
    reference: `down to block align only; 0 or below one frame STATUS_UNSUCCESSFUL (${SAMPLE}, AllocateBufferWithNotification); packets may split a frame, which the model refuses to run`,
  },
  {
    name: 'allocationDivisibility', values: ['rounded', 'invalid-parameter'],
    summary: 'a requested size that the notification count N does not divide',
    doc: 'rounded down like any other size',
    reference: `STATUS_INVALID_PARAMETER when RequestedSize_ % NotificationCount_ != 0, checked before rounding (${SAMPLE}, AllocateBufferWithNotification)`,
  },
  {
    name: 'setFormat', values: ['in-stop-if-packets-divide', 'not-supported'],
    summary: 'SetFormat',
    doc: 'only in STOP (else STATUS_INVALID_DEVICE_STATE) and only to a format whose frames divide the packets (else STATUS_INVALID_PARAMETER, nothing changes)',
    reference: `always STATUS_NOT_SUPPORTED (${SAMPLE}, SetFormat)`,
  },
  {
    name: 'packetClock', values: ['exact', 'timer-1ms'],
    summary: 'what clocks the packet count and the notification events',
    doc: 'the DMA: the count goes up and the event is signalled at the end of every packet, at the nominal rate',
    reference: `a 1 ms timer; the interval is (buffer ms, truncated) / N, truncated to whole ms; the count runs fast when a packet is not a whole number of ms, and with an interval of 0 there is no timer, no event and no count (${SAMPLE}, AllocateBufferWithNotification m_ulNotificationIntervalMs, SetState ExSetTimer, TimerNotifyRT)`,
  },
  {
    name: 'countAfterEos', values: ['runs-to-eos-point', 'stops'],
    summary: 'the packet count once an EOS has been received',
    doc: 'counts packets until the EOS point is played, then stays frozen',
    reference: `stops as soon as the EOS is received; events go on (${SAMPLE}, TimerNotifyRT: if (!m_bEoSReceived) m_llPacketCounter++)`,
  },
  {
    name: 'presentationAfterEos', values: ['stops-at-eos-point', 'keeps-growing'],
    summary: 'GetPresentationPosition once the EOS point has been played',
    doc: 'reaches the EOS point once the FIFO and delays have drained, and stays there',
    reference: `keeps growing with the running time (${SAMPLE}, UpdatePosition: "Increment presentation position even after last buffer is rendered")`,
  },
  {
    name: 'hwLatency', values: ['modelled', 'zero'],
    summary: 'what GetHWLatency reports (the FIFO still overshoots past EOS as modelled)',
    doc: 'the modelled FifoSize, ChipsetDelay and CodecDelay; the presentation position subtracts them',
    reference: `all zero (${SAMPLE}, GetHWLatency)`,
  },
  {
    name: 'eosOffset', values: ['in-packet', 'modulo-buffer'],
    summary: 'where the EOS point is',
    doc: 'eosPacketLength bytes into the EOS packet',
    reference: `the first time the read position equals slot offset + EosPacketLength, compared modulo the buffer: with N = 1 the slot being transferred can end early (${SAMPLE}, SetWritePacket ulCurrentWritePosition, UpdatePosition)`,
  },
  {
    name: 'eosAtBufferEnd', values: ['ends', 'never-ends'],
    summary: 'a full-length EOS on the last slot, whose end offset is the buffer size',
    doc: 'ends the stream at the end of that packet',
    reference: `never ends: position % bufferSize never equals bufferSize, so the DMA loops over the buffer and the last event never comes (${SAMPLE}, UpdatePosition m_bLastBufferRendered)`,
  },
];

/** The Windows docs where they speak (DESIGN §3–§7). */
export const docProfile: DriverProfile = Object.freeze({
  name: 'doc',
  description: 'the Windows docs where they speak (the default)',
  extends: null,
  file: null,
  choices: Object.freeze({
    runWindow: 'up-to-buffer',
    prerollWindow: 'whole-buffer',
    pausedWindow: 'run-window',
    unknownFlags: 'invalid-parameter',
    eosLengthCheck: 'packet-size-and-block-align',
    eosSilenceFill: true,
    underflow: 'repeat',
    allocationRounding: 'whole-frame-packets',
    allocationDivisibility: 'rounded',
    setFormat: 'in-stop-if-packets-divide',
    packetClock: 'exact',
    countAfterEos: 'runs-to-eos-point',
    presentationAfterEos: 'stops-at-eos-point',
    hwLatency: 'modelled',
    eosOffset: 'in-packet',
    eosAtBufferEnd: 'ends',
  }),
}) as DriverProfile;

/** The reference driver as it is, bugs included (Windows-driver-samples audio/sysvad). */
export const sysvadProfile: DriverProfile = Object.freeze({
  name: 'sysvad',
  description: 'the reference driver, audio/sysvad/EndpointsCommon/minwavertstream.cpp, bugs included',
  extends: null,
  file: null,
  choices: Object.freeze({
    runWindow: 'next-only',
    prerollWindow: 'current-only',
    pausedWindow: 'preroll-window',
    unknownFlags: 'ignored',
    eosLengthCheck: 'packet-size-only',
    eosSilenceFill: false,
    underflow: 'repeat',
    allocationRounding: 'block-align',
    allocationDivisibility: 'invalid-parameter',
    setFormat: 'not-supported',
    packetClock: 'timer-1ms',
    countAfterEos: 'stops',
    presentationAfterEos: 'keeps-growing',
    hwLatency: 'zero',
    eosOffset: 'modulo-buffer',
    eosAtBufferEnd: 'never-ends',
  }),
}) as DriverProfile;

export const builtinProfiles: readonly DriverProfile[] = [docProfile, sysvadProfile];
export const builtinProfileNames: readonly string[] = builtinProfiles.map((profile) => profile.name);

export function builtinProfile(name: string): DriverProfile | undefined {
  return builtinProfiles.find((profile) => profile.name === name);
}

/** The choices of `profile` that differ from `base`, by name. */
export function differingChoices(profile: DriverProfile, base: DriverProfile = docProfile): ChoiceName[] {
  return choiceDefinitions.map((definition) => definition.name).filter((name) => profile.choices[name] !== base.choices[name]);
}
