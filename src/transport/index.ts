export { usbSpeeds, usbIntervals, MAX_BYTES_PER_INTERVAL, resolveUsbConfig, framesDueBefore, framesDueIn, type UsbSpeed, type UsbConfig, type ResolvedUsbConfig } from './usb-config.js';
export { IsochOutPipe, type IsochTransfer, type TransferCompletion } from './usb-pipe.js';
export { UsbIsochTransport, type UsbSummary, type UsbTrace, type UsbTransportOptions, type UsbTransportState } from './usb-transport.js';
export * from './win32-errors.js';
