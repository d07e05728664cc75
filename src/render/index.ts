export { renderFile, renderFileStoppable, type RenderPipeline, type RenderResult, type StopSource } from './render-file.js';
