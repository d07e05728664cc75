// wavert(1), generated from the command definitions, so that the man page cannot drift from --help.
import type { Command } from 'commander';
import { commandModels, programOptions, type CommandModel, type OptionModel } from './command-model.js';
import { examplesOf } from './examples.js';
import { PROGRAM_DESCRIPTION, VERSION } from './program.js';

/** Text safe for roff: backslashes, hyphens, a leading dot or quote, and non-ASCII characters (as \[uXXXX]) escaped. */
function roff(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1')
    .replace(/[^\x00-\x7f]/gu, (character) => `\\[u${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

function optionItem(option: OptionModel): string {
  const flags = [option.short, option.long].filter((flag) => flag !== undefined).map((flag) => `\\fB${roff(flag!)}\\fR`).join(', ');
  const value = option.valueName === '' ? '' : ` \\fI${roff(option.valueName.replace(/^<|>$/g, ''))}\\fR`;
  const values = option.values !== undefined && !option.values.every((value) => option.description.includes(value)) ? ` (${roff(option.values.join(', '))})` : '';
  return `.TP\n${flags}${value}\n${roff(option.description)}${values}`;
}

function synopsisOf(command: CommandModel): string {
  const argumentsText = command.arguments.map((argument) => {
    const name = `\\fI${roff(argument.name)}\\fR${argument.variadic ? '...' : ''}`;
    return argument.required ? name : `[${name}]`;
  }).join(' ');
  return `\\fBwavert ${roff(command.name)}\\fR [\\fIoptions\\fR] ${argumentsText}`.trimEnd();
}

function commandSection(command: CommandModel): string {
  const parts = [
    `.SS "${roff(command.name)}${command.aliases.length > 0 ? ` (alias: ${roff(command.aliases.join(', '))})` : ''}"`,
    `${synopsisOf(command)}\n.PP\n${roff(command.description)}.`,
  ];
  for (const argument of command.arguments) parts.push(`.TP\n\\fI${roff(argument.name)}\\fR\n${roff(argument.description)}`);
  parts.push(...command.options.map(optionItem));
  if (command.examples.length > 0) {
    parts.push('.PP\nExamples:');
    for (const example of command.examples) parts.push(`.PP\n.RS 4\n\\f(CWwavert ${roff(example.commandLine)}\\fR\n.br\n${roff(example.what)}\n.RE`);
  }
  return parts.join('\n');
}

export function manPage(program: Command): string {
  const commands = commandModels(program);
  const sections = [
    `.\\" Generated from the command definitions by \`npm run man-page\`; do not edit by hand.`,
    `.TH WAVERT 1 "" "wavert ${VERSION}" "User Commands"`,
    '.SH NAME',
    `wavert \\- ${roff(PROGRAM_DESCRIPTION.replace(/\.$/, '').replace(/^Play/, 'play'))}`,
    '.SH SYNOPSIS',
    commands.map((command) => synopsisOf(command)).join('\n.br\n'),
    '.br\n\\fBwavert\\fR [\\fB\\-\\-version\\fR | \\fB\\-\\-help\\fR]',
    '.SH DESCRIPTION',
    roff('wavert runs WAV files through a user-space model of the Windows WaveRT packet-mode render path: an OS-side client writes packets with SetWritePacket on each notification event, the DMA drains the cyclic buffer at the nominal rate, and every answer is the NTSTATUS a driver would give. Underflows, late writes, end of stream and the FIFO overshoot are modelled byte for byte. Runs on the virtual clock (render, run) are deterministic; play and run --realtime pace the same model by a real sink.'),
    '.PP',
    roff('Every command takes -v/--verbose (repeatable), -q/--quiet and --log-level. Times are 90, 1.5, 10s, 500ms, 2m or m:ss[.fff].'),
    '.SH OPTIONS',
    ...programOptions(program).map(optionItem),
    '.SH COMMANDS',
    ...commands.map(commandSection),
    '.SH EXAMPLES',
    ...examplesOf(program).map((example) => `.PP\n.RS 4\n\\f(CWwavert ${roff(example.commandLine)}\\fR\n.br\n${roff(example.what)}\n.RE`),
    '.SH EXIT STATUS',
    '.TP\n0\nsuccess',
    '.TP\n1\na scenario expectation failed',
    '.TP\n2\nbad input or usage (the message names what is wrong)',
    '.TP\n3\nthe sink failed (for example its player died)',
    '.TP\n130\ninterrupted',
    '.SH ENVIRONMENT',
    `.TP\n\\fBNO_COLOR\\fR\n${roff('no colour in the live view of play')}`,
    `.TP\n\\fBPULSE_SERVER\\fR, \\fBPULSE_SINK\\fR, \\fBXDG_RUNTIME_DIR\\fR\n${roff('passed to pacat and pactl: which PulseAudio server and sink')}`,
    `.TP\n\\fBWAVERT_DEBUG\\fR\n${roff('print the stack of an internal error')}`,
    '.SH SEE ALSO',
    '\\fBaplay\\fR(1), \\fBpacat\\fR(1), \\fBpw\\-cat\\fR(1), \\fBsox\\fR(1), \\fBpactl\\fR(1)',
  ];
  return `${sections.join('\n')}\n`;
}
