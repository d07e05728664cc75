// `npm run build`'s second step: the CLI as one CommonJS file (dist/wavert.cjs) plus a V8 code cache, so that a
// command starts without resolving ~60 ES modules or compiling them again. bin/entry.js decides which build runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const distDir = join(root, 'dist');
const moduleEntry = join(distDir, 'src', 'cli', 'main.js');
export const BUNDLE_PATH = join(distDir, 'wavert.cjs');
/** The scenario pool's worker thread, bundled the same way (src/scenario/pool.ts picks it when it is current). */
const WORKER_BUNDLE_PATH = join(distDir, 'scenario-worker.cjs');

interface EsbuildPlugin {
  name: string;
  setup(build: {
    onLoad(options: { filter: RegExp; namespace?: string }, callback: (args: { path: string }) => { contents: string; loader: 'js' } | undefined): void;
    onResolve(options: { filter: RegExp }, callback: (args: { path: string; importer: string }) => { path: string; namespace: string } | undefined): void;
  }): void;
}
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ warnings: unknown[] }>;
}

/** Each module keeps its own import.meta.url (workers and helper scripts are found beside the module that names them). */
const importMetaUrlPlugin: EsbuildPlugin = {
  name: 'import-meta-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const fromBundle = relative(distDir, args.path).split(sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `__wavertModuleUrl(${JSON.stringify(fromBundle)})`), loader: 'js' };
    });
  },
};

/** commander needs child_process only to run external subcommands, which wavert has none of: load it on first use. */
const lazyChildProcessPlugin: EsbuildPlugin = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (args.importer.includes(`${sep}commander${sep}`) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

const BANNER = "var __wavertModuleUrl = (fromBundle) => require('node:url').pathToFileURL(require('node:path').join(__dirname, fromBundle)).href;";

export async function bundleCli(): Promise<void> {
  const require = createRequire(import.meta.url);
  let esbuild: Esbuild;
  try {
    esbuild = require('esbuild') as Esbuild;
  } catch {
    rmSync(BUNDLE_PATH, { force: true });
    rmSync(`${BUNDLE_PATH}.cache`, { force: true });
    rmSync(WORKER_BUNDLE_PATH, { force: true });
    console.log('bundle: esbuild is not installed (a devDependency): bin/wavert.js runs the compiled modules, which start slower');
    return;
  }
  const bundle = (entryPoint: string, outfile: string) => esbuild.build({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // loaded when a command needs them, from node_modules as usual; commander is on every command's path
    external: ['pino', 'yaml', 'wav', 'speaker'],
    banner: { js: BANNER },
    plugins: [importMetaUrlPlugin, lazyChildProcessPlugin],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await bundle(moduleEntry, BUNDLE_PATH);
  await bundle(join(distDir, 'src', 'scenario', 'worker.js'), WORKER_BUNDLE_PATH);
  // a fresh process, started as bin/wavert.js starts (same flags), so that V8 accepts the cache at run time
  const made = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'code-cache.js')], { stdio: 'inherit' });
  if (made.status !== 0) throw new Error(`bundle: making the code cache failed (exit ${made.status ?? made.signal})`);
  if (!existsSync(`${BUNDLE_PATH}.cache`)) throw new Error('bundle: the code cache was not written');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await bundleCli();
