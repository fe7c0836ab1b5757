import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../deploy/cli/command-table.js';
import type { CommandSpec } from '../../deploy/cli/command-spec.js';
import { runCli } from '../support/cli.js';

/** Every runnable command of the table, with its path ("profiles check"). */
function runnable(commands: CommandSpec[], prefix: string[] = []): Array<{ path: string[]; spec: CommandSpec }> {
  return commands.flatMap((spec) => (spec.subcommands ? runnable(spec.subcommands, [...prefix, spec.name]) : [{ path: [...prefix, spec.name], spec }]));
}

describe('estatecare --help, from the one command table', () => {
  const commands = runnable(COMMANDS);

  it('lists every command in the overview', async () => {
    const run = runCli(['help']);
    expect(await run.exited).toBe(0);
    for (const { path, spec } of commands) expect(run.stdout()).toContain(`  ${path.join(' ')}`.padEnd(28) + spec.summary);
  });

  it.each(commands.map(({ path, spec }) => [path.join(' '), path, spec] as const))('"%s --help" shows its usage and every option', async (_name, path, spec) => {
    const run = runCli([...path, '--help']);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain(`Usage: estatecare ${path.join(' ')} [options]`);
    for (const name of Object.keys(spec.options ?? {})) expect(run.stdout()).toContain(`--${name}`);
    expect(run.stderr()).toBe('');
  });

  it('names an unknown option, an unknown subcommand and a surplus argument, and exits 2', async () => {
    const option = runCli(['simulate', '--confg', 'x.yaml']);
    expect(await option.exited).toBe(2);
    expect(option.stderr()).toContain("simulate: Unknown option '--confg'");
    const sub = runCli(['profiles', 'lint']);
    expect(await sub.exited).toBe(2);
    expect(sub.stderr()).toContain('unknown subcommand "profiles lint"; one of: check');
    const surplus = runCli(['profiles', 'check', 'a', 'b']);
    expect(await surplus.exited).toBe(2);
    expect(surplus.stderr()).toContain('profiles check: unexpected argument "b"');
  });
});
