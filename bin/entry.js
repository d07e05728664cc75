'use strict';
// Which build of the CLI to run, and how to load the single-file one with its V8 code cache (plain CommonJS: an ES
// module entry costs the ESM loader's start-up, a few milliseconds of a ~90 ms `wavert info`).
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const root = path.join(__dirname, '..');
const BUNDLE_PATH = path.join(root, 'dist', 'wavert.cjs');
const MODULE_ENTRY_PATH = path.join(root, 'dist', 'src', 'cli', 'main.js');

function mtimeMsOf(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * 'bundle' when dist/wavert.cjs is at least as new as the compiled modules (tsc rewrites every file, so a `tsc`
 * after the last `npm run build` makes the bundle stale and the modules run); `force` is WAVERT_ENTRY.
 */
function pickEntry(force, paths = { bundle: BUNDLE_PATH, moduleEntry: MODULE_ENTRY_PATH }) {
  if (force === 'modules') return { kind: 'modules', path: paths.moduleEntry };
  const bundleMtimeMs = mtimeMsOf(paths.bundle);
  if (force === 'bundle') return { kind: 'bundle', path: paths.bundle };
  const modulesMtimeMs = mtimeMsOf(paths.moduleEntry);
  if (bundleMtimeMs !== null && (modulesMtimeMs === null || bundleMtimeMs >= modulesMtimeMs)) return { kind: 'bundle', path: paths.bundle };
  return { kind: 'modules', path: paths.moduleEntry };
}

/** The code cache beside a bundle, when it was written after it (V8 checks only the source's length). */
function cacheFor(bundlePath) {
  const cachePath = `${bundlePath}.cache`;
  const cacheMtimeMs = mtimeMsOf(cachePath);
  const bundleMtimeMs = mtimeMsOf(bundlePath);
  if (cacheMtimeMs === null || bundleMtimeMs === null || cacheMtimeMs < bundleMtimeMs) return undefined;
  try {
    return fs.readFileSync(cachePath);
  } catch {
    return undefined;
  }
}

/** Compiles and runs the bundle as CommonJS; `cachedDataRejected` says whether V8 refused the cache (another Node). */
function compileBundle(bundlePath, { useCache = true } = {}) {
  const source = fs.readFileSync(bundlePath, 'utf8');
  const cachedData = useCache ? cacheFor(bundlePath) : undefined;
  const importModuleDynamically = vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const script = new vm.Script(Module.wrap(source), { filename: bundlePath, cachedData, importModuleDynamically });
  const bundleModule = new Module(bundlePath, module);
  bundleModule.filename = bundlePath;
  bundleModule.paths = Module._nodeModulePaths(path.dirname(bundlePath));
  bundleModule.loaded = true;
  const run = script.runInThisContext();
  run.call(bundleModule.exports, bundleModule.exports, Module.createRequire(bundlePath), bundleModule, bundlePath, path.dirname(bundlePath));
  return { exports: bundleModule.exports, script, cachedDataRejected: cachedData === undefined ? null : script.cachedDataRejected };
}

/** The CLI's `main(argv)`, from the bundle or the modules. */
function loadMain(entry) {
  if (entry.kind === 'bundle') return new Promise((resolve) => resolve(compileBundle(entry.path).exports));
  return import(require('node:url').pathToFileURL(entry.path).href);
}

module.exports = { BUNDLE_PATH, MODULE_ENTRY_PATH, pickEntry, compileBundle, loadMain };
