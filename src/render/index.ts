export { renderFile, type RenderPipeline, type RenderResult } from './render-file.js';
