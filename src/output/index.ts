export { AtomicFile, discardPendingOutputs, makeFolders, pendingOutputCount, writeFileAtomic, type AtomicFileOptions } from './atomic-file.js';
export { SameFileGuard } from './same-file.js';
export { escapeControlCharacters, quoted, safeFolderName } from './names.js';
