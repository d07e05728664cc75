// the library entry renders with every client and transport; the CLI loads them per run
import '../session/waveout-modules.js';
import '../session/usb-modules.js';
export { renderFile, renderFileStoppable, type RenderPipeline, type RenderResult, type StopSource } from './render-file.js';
