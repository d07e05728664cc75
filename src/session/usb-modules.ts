// Importing this registers the USB transport with Session (see optional-modules.ts).
import { UsbIsochTransport } from '../transport/usb-transport.js';
import { resolveUsbConfig } from '../transport/usb-config.js';
import { registerUsbModules } from './optional-modules.js';

registerUsbModules({ UsbIsochTransport, resolveUsbConfig });
