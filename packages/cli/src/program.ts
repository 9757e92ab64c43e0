import { type Registry, UsageError } from '@rsrg/core';
import { Command, Option } from 'commander';
import { compareCommand } from './commands/compare.js';
import { exportCommand } from './commands/export.js';
import { listCommand } from './commands/list.js';
import { mcrgCommand } from './commands/mcrg.js';
import { mergeCommand } from './commands/merge.js';
import { reproduceCommand } from './commands/reproduce.js';
import { sampleCommand } from './commands/sample.js';
import { statusCommand } from './commands/status.js';
import { submitCommand } from './commands/submit.js';
import { trainCommand } from './commands/train.js';
import type { CommandContext } from './context.js';
import type { CliIo } from './io.js';
import { collect } from './options.js';
import { loadRegistry } from './plugins.js';

// Help goes to stdout on request; errors are reported by `main` as one line, so commander
// writes nothing to stderr itself (not even the help it prints when a command is missing).
const QUIET = (io: CliIo) => ({ writeOut: io.stdout, writeErr: () => {}, outputError: () => {} });

/**
 * The `rsrg` command tree. Commander reports parse errors by throwing (exitOverride) and
 * prints nothing itself; `main` turns every error into one stderr line.
 */
export function buildProgram(io: CliIo, version: string): Command {
  const program = new Command('rsrg');
  let registry: Promise<Registry> | undefined;
  const ctx: CommandContext = {
    io,
    version,
    registry: () => {
      registry ??= loadRegistry((program.opts().plugin as string[] | undefined) ?? [], io.cwd);
      return registry;
    },
  };
  program
    .description('Real-space renormalization group by Monte Carlo (Swendsen MCRG) for lattice spin models')
    .version(version, '-V, --version', 'print the version')
    .addOption(
      new Option(
        '--plugin <module>',
        'load a plugin module (file path or package name) after the defaults; repeatable',
      ).argParser(collect),
    )
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput(QUIET(io));
  for (const add of [
    mcrgCommand,
    sampleCommand,
    trainCommand,
    reproduceCommand,
    exportCommand,
    compareCommand,
    listCommand,
  ]) {
    add(program, ctx).helpOption('-h, --help', 'show help').exitOverride().configureOutput(QUIET(io));
  }
  for (const add of [submitCommand, mergeCommand, statusCommand]) {
    add(program, ctx).helpOption('-h, --help', 'show help').exitOverride().configureOutput(QUIET(io));
  }
  program
    .command('help')
    .argument('[command]', 'the command to explain')
    .description('show help for rsrg or for one command')
    .exitOverride()
    .configureOutput(QUIET(io))
    .action((name?: string) => {
      if (name === undefined) return io.stdout(program.helpInformation());
      const command = program.commands.find((c) => c.name() === name && c.name() !== 'help');
      if (!command) {
        const known = program.commands.map((c) => c.name()).filter((n) => n !== 'help');
        throw new UsageError(`unknown command '${name}' (known: ${known.join(', ')})`);
      }
      io.stdout(command.helpInformation());
    });
  return program;
}
