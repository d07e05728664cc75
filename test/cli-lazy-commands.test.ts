import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { commandEntries, registrationsFor } from '../src/cli/commands.js';
import { main } from '../src/cli/main.js';
import { captureIo } from './support/audio-files.js';

describe('commands load on demand', () => {
  test('when each command entry is loaded then its registration declares exactly the entry name', async () => {
    for (const entry of commandEntries) {
      const program = new Command('wavert');
      (await entry.load())(program, captureIo(process.cwd()).io, () => {});
      assert.deepEqual(program.commands.map((command) => command.name()), [entry.name]);
    }
  });

  test('when a command line starts with a command name then only that command is registered', async () => {
    for (const entry of commandEntries) {
      const registrations = await registrationsFor([entry.name, 'x.wav']);
      assert.equal(registrations.length, 1, entry.name);
      assert.equal(registrations[0], await entry.load());
    }
  });

  test('when a command line starts with an option, help or a typo then every command is registered', async () => {
    for (const argv of [['--help'], ['help', 'render'], ['rendr', 'x.wav'], ['--version', 'render'], []]) {
      assert.equal((await registrationsFor(argv)).length, commandEntries.length, argv.join(' '));
    }
  });

  test('when only the version is asked for then no command is loaded and the version is printed', async () => {
    for (const flag of ['--version', '-V']) {
      assert.equal((await registrationsFor([flag])).length, 0, flag);
      const capture = captureIo(process.cwd());
      assert.equal(await main([flag], capture.io), 0);
      assert.match(capture.stdout(), /^\d+\.\d+\.\d+\n$/);
    }
  });

  test('when the top-level help is printed then it lists every command', async () => {
    const capture = captureIo(process.cwd());
    assert.equal(await main(['--help'], capture.io), 0);
    for (const entry of commandEntries) assert.match(capture.stdout(), new RegExp(`^  ${entry.name}\\b`, 'm'), entry.name);
  });

  test('when a mistyped command is given then commander still suggests the right one', async () => {
    const capture = captureIo(process.cwd());
    assert.notEqual(await main(['rendr', 'x.wav'], capture.io), 0);
    assert.match(capture.stderr(), /\(did you mean render\?\)/);
  });
});
