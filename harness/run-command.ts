import { Command, CommanderError } from 'commander';

/**
 * Run a commander program as the package's commands all do: usage errors (an unknown flag, a
 * missing argument, a bad value) exit 2 with commander's message and the help hint, like a bad
 * config; `--help` and `--version` exit 0. Applied to every subcommand, since commander's
 * `addCommand` does not pass these settings on.
 */
export function exitOnUsageError(command: Command): Command {
  command.exitOverride((err: CommanderError) => {
    throw err;
  });
  for (const sub of command.commands) exitOnUsageError(sub);
  return command;
}

export async function runCommand(command: Command, argv: readonly string[] = process.argv): Promise<void> {
  exitOnUsageError(command);
  try {
    await command.parseAsync([...argv]);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  }
}
