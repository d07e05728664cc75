import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentManPage } from './support/make-man.js';
import { runWavert } from './support/pulse.js';

// --help, the man page and the shell completions, all generated from the same command definitions.
const root = fileURLToPath(new URL('../../', import.meta.url));
const COMMANDS = ['play', 'render', 'run', 'report', 'info', 'compare', 'profiles', 'devices', 'sinks', 'completion'];

function has(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}

test('when --help is asked of any command then it ends with 2 to 4 examples of that command', async () => {
  for (const command of ['', ...COMMANDS]) {
    const run = await runWavert(command === '' ? ['--help'] : [command, '--help']);
    assert.equal(run.code, 0, run.stderr);
    const examples = run.stdout.slice(run.stdout.lastIndexOf('\nExamples:\n'));
    assert.ok(examples.length > 0, `${command}: no Examples section`);
    const lines = [...examples.matchAll(/^ {2}\$ wavert (\S+)/gm)].map((match) => match[1]);
    assert.ok(lines.length >= 2 && lines.length <= 4, `${command}: ${lines.length} examples`);
    if (command !== '') assert.ok(lines.every((word) => word === command), `${command}: ${lines.join(', ')}`);
  }
});

test('when every command is asked for help then each takes -v, -q and --log-level', async () => {
  for (const command of COMMANDS) {
    const help = (await runWavert([command, '--help'])).stdout;
    for (const option of [/^ {2}-v, --verbose\b/m, /^ {2}-q, --quiet\b/m, /^ {2}--log-level <level>/m]) assert.match(help, option, command);
  }
});

test('when the man page is regenerated from the command definitions then it equals the committed man/wavert.1', async () => {
  assert.equal(fs.readFileSync(path.join(root, 'man', 'wavert.1'), 'utf8'), await currentManPage(), 'run `npm run man-page` and commit man/wavert.1');
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { man?: string[]; files?: string[] };
  assert.deepEqual(manifest.man, ['./man/wavert.1']);
  assert.ok(manifest.files?.includes('man'));
});

test('when man -l renders the man page then it succeeds without warnings and shows every command, option and exit code', (t) => {
  if (!has('man')) {
    t.skip('man is not installed (apt: man-db)');
    return;
  }
  const rendered = spawnSync('man', ['--warnings', '-l', path.join(root, 'man', 'wavert.1')], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat' } });
  assert.equal(rendered.status, 0, rendered.stderr);
  assert.equal(rendered.stderr, '');
  const text = rendered.stdout.replace(/.\x08/g, '');
  assert.match(text, /^WAVERT\(1\)/);
  for (const command of COMMANDS) assert.match(text, new RegExp(`^ {3}${command}\\b`, 'm'), command);
  for (const option of ['--latency-ms', '--notifications', '--junit', '--device', '--log-level']) assert.ok(text.includes(option), option);
  assert.match(text, /^EXIT STATUS/m);
  assert.match(text, /\$? ?wavert play song\.wav/);
});

function bashComplete(script: string, line: string): string[] {
  const words = line.split(' ');
  const program = `source "$1"\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})\nCOMP_CWORD=${words.length - 1}\n_wavert\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program, 'bash', script], { encoding: 'utf8', cwd: root });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return result.stdout.split('\n').filter((word) => word !== '');
}

test('when the bash completion is loaded in bash then it completes commands, options, option values and WAV files', async () => {
  const run = await runWavert(['completion', 'bash']);
  assert.equal(run.code, 0, run.stderr);
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-completion-')), 'wavert.bash');
  fs.writeFileSync(script, run.stdout);
  try {
    const loaded = spawnSync('bash', ['-c', 'source "$1" && complete -p wavert', 'bash', script], { encoding: 'utf8' });
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.equal(loaded.stdout.trim(), 'complete -o filenames -F _wavert wavert');
    assert.deepEqual(bashComplete(script, 'wavert pl'), ['play']);
    assert.deepEqual(bashComplete(script, 'wavert d'), ['devices']);
    assert.deepEqual(bashComplete(script, 'wavert si'), ['sinks']);
    assert.deepEqual(bashComplete(script, 'wavert play --vol'), ['--volume']);
    assert.deepEqual(bashComplete(script, 'wavert render x.wav --underflow '), ['repeat', 'silence']);
    assert.deepEqual(bashComplete(script, 'wavert play --sink p'), ['pulse', 'pipewire']);
    assert.deepEqual(bashComplete(script, 'wavert run --log-level d'), ['debug']);
    assert.deepEqual(bashComplete(script, 'wavert completion '), ['bash', 'zsh', 'fish']);
    assert.deepEqual(bashComplete(script, 'wavert run --profile sy'), ['sysvad'], 'a built-in profile (or a profile file)');
    assert.deepEqual(bashComplete(script, 'wavert run --profile fixtures/prof'), ['fixtures/profiles']);
    assert.deepEqual(bashComplete(script, 'wavert info fixtures/de'), ['fixtures/demo.wav']);
    assert.deepEqual(bashComplete(script, 'wavert play --start '), []);
  } finally {
    fs.rmSync(path.dirname(script), { recursive: true, force: true });
  }
});

/** Types each line into an interactive zsh (in a pseudo-terminal), presses Tab, and returns the command line after it. */
const ZSH_DRIVER = `zmodload zsh/zpty
dir=$1; shift
zpty -b z zsh -f -i
zpty -w z "PS1=''; fpath=($dir \\$fpath); autoload -U compinit; compinit -u -d $dir/.zcompdump; setopt nobeep; dump() { print -r -- \\"<\\$BUFFER>\\" >> $dir/buffers; BUFFER=''; }; zle -N dump; bindkey '^X' dump"
: > $dir/buffers
n=0
for line in "$@"; do
  zpty -n -w z "$line"$'\\t'
  sleep 0.3
  zpty -n -w z $'\\x18'
  n=$((n + 1))
  for i in {1..100}; do (( $(wc -l < $dir/buffers) >= n )) && break; sleep 0.1; done
done
zpty -d z
cat $dir/buffers
`;

test('when the zsh completion is loaded by compinit then Tab completes commands, options, values and WAV files in zsh', async (t) => {
  if (!has('zsh')) {
    t.skip('zsh is not installed (apt: zsh)');
    return;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-zsh-'));
  try {
    fs.writeFileSync(path.join(home, '_wavert'), (await runWavert(['completion', 'zsh'])).stdout);
    const loaded = spawnSync('zsh', ['-f', '-c', `autoload -U compinit && compinit -u -d ${home}/.zcompdump && source ${home}/_wavert && print -r -- $_comps[wavert] && for c in ${COMMANDS.join(' ')}; do whence -w _wavert_$c; done`], { encoding: 'utf8', env: { ...process.env, HOME: home } });
    assert.equal(loaded.status, 0, loaded.stderr);
    assert.deepEqual(loaded.stdout.trim().split('\n'), ['_wavert', ...COMMANDS.map((command) => `_wavert_${command}: function`)]);
    fs.writeFileSync(path.join(home, 'driver.zsh'), ZSH_DRIVER);
    const lines = ['wavert pl', 'wavert pl', 'wavert play --si', 'wavert play --sink pu', 'wavert render x.wav --underflow r', 'wavert render x.wav --profile sys', 'wavert completion f', `wavert info ${path.join(root, 'fixtures', 'de')}`];
    const typed = spawnSync('zsh', ['-f', path.join(home, 'driver.zsh'), home, ...lines], { encoding: 'utf8', env: { ...process.env, HOME: home }, timeout: 60_000 });
    assert.equal(typed.status, 0, typed.stderr);
    // the first line only warms compinit up
    assert.deepEqual(typed.stdout.trim().split('\n').slice(1), [
      '<wavert play >', '<wavert play --sink >', '<wavert play --sink pulse >', '<wavert render x.wav --underflow repeat >', '<wavert render x.wav --profile sysvad >', '<wavert completion fish >',
      `<wavert info ${path.join(root, 'fixtures', 'demo.wav')} >`,
    ]);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('when the fish completion is loaded in fish then it completes commands, options and values', async (t) => {
  if (!has('fish')) {
    t.skip('fish is not installed (apt: fish)');
    return;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wavert-fish-'));
  try {
    const script = path.join(home, 'wavert.fish');
    fs.writeFileSync(script, (await runWavert(['completion', 'fish'])).stdout);
    const complete = (line: string): string[] => {
      const result = spawnSync('fish', ['--no-config', '-c', `source ${script}; complete -C '${line}'`], { encoding: 'utf8', env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home } });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.split('\n').filter((entry) => entry !== '').map((entry) => entry.split('\t')[0]!);
    };
    assert.deepEqual(complete('wavert pl'), ['play']);
    assert.deepEqual(complete('wavert play --sink pu'), ['pulse']);
    assert.deepEqual(complete('wavert completion '), ['bash', 'fish', 'zsh']);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('when completion is asked for an unknown shell then it is a usage error with the closest shell', async () => {
  const run = await runWavert(['completion', 'bsh']);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, "wavert: completion: 'bsh' is not a shell wavert completes (did you mean 'bash'?): use bash, zsh, fish\nSee 'wavert completion --help'.\n");
});
