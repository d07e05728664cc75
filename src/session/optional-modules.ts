// The waveOut client and the USB transport are loaded only by runs that use them: a plain render starts faster.
import type { WaveOutDevice } from '../client/waveout.js';
import type { WaveOutApplication, waveOutSummary } from '../client/waveout-app.js';
import type { UsbIsochTransport } from '../transport/usb-transport.js';
import type { resolveUsbConfig } from '../transport/usb-config.js';
import { StateError } from '../errors.js';
import type { ClientConfig, TransportConfig } from './config.js';

export interface WaveOutModules {
  WaveOutDevice: typeof WaveOutDevice;
  WaveOutApplication: typeof WaveOutApplication;
  waveOutSummary: typeof waveOutSummary;
}

export interface UsbModules {
  UsbIsochTransport: typeof UsbIsochTransport;
  resolveUsbConfig: typeof resolveUsbConfig;
}

let waveOutModules: WaveOutModules | null = null;
let usbModules: UsbModules | null = null;

export function registerWaveOutModules(modules: WaveOutModules): void {
  waveOutModules = modules;
}

export function registerUsbModules(modules: UsbModules): void {
  usbModules = modules;
}

/** Loads what a session with this client and transport needs; session/index.js and render/index.js load both. */
export async function loadSessionModules(client: ClientConfig | undefined, transport: TransportConfig | undefined): Promise<void> {
  if (client?.kind === 'waveout' && waveOutModules === null) await import('./waveout-modules.js');
  if (transport?.kind === 'usb' && usbModules === null) await import('./usb-modules.js');
}

export function loadedWaveOutModules(): WaveOutModules {
  if (waveOutModules === null) throw new StateError('the waveOut client is not loaded: await loadSessionModules() before creating the Session, or import wavert/session');
  return waveOutModules;
}

export function loadedUsbModules(): UsbModules {
  if (usbModules === null) throw new StateError('the USB transport is not loaded: await loadSessionModules() before creating the Session, or import wavert/session');
  return usbModules;
}
