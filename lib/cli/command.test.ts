import { describe, expect, it } from 'vitest';
import { commandHelp, flagsByField, resolve, UsageError } from './command';
import { commands } from './commands';

const usageError = (argv: string[]) => {
  try {
    resolve(commands, argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('expected a usage error');
};

describe('positional arguments', () => {
  it('reads them before or after the flags, - included, and names the missing ones with the missing flags', () => {
    expect(resolve(commands, ['app', 'import', 'orders.json', '--org', 'acme', '--release'])).toMatchObject({
      kind: 'run',
      command: { name: 'app import' },
      flags: { file: 'orders.json', org: 'acme', release: true, 'with-releases': false },
    });
    expect(resolve(commands, ['app', 'export', '--org', 'acme', 'Orders report', '--json'])).toMatchObject({
      kind: 'run',
      json: true,
      flags: { app: 'Orders report', org: 'acme', releases: false },
    });
    expect(resolve(commands, ['app', 'import', '--org', 'acme', '-'])).toMatchObject({ flags: { file: '-' } });
    expect(usageError(['app', 'import', '--org', 'acme'])).toBe('missing <file>.');
    expect(usageError(['app', 'import'])).toBe('missing <file>, --org <slug>.');
    expect(usageError(['app', 'import', 'a.json', 'b.json', '--org', 'acme'])).toBe('unexpected argument "b.json".');
    expect(usageError(['app'])).toBe('"app" needs a subcommand: export, import.');
  });

  it('still refuses a stray word where a command declares none', () => {
    expect(usageError(['user', 'list', '--org', 'acme', 'extra'])).toMatch(/Unexpected argument 'extra'/);
  });

  it('shows them in the help and names their problems by them', () => {
    const importCommand = commands.find((c) => c.name === 'app import')!;
    const help = commandHelp(importCommand);
    expect(help).toContain(
      'Usage: gatehouse app import <file> --org <slug> [--folder <name>] [--name <name>] [--into <app>] [--release] [--with-releases] [--json]',
    );
    expect(help).toMatch(/Arguments:\n {2}<file> +The export document; - reads it from standard input/);
    expect(flagsByField(importCommand)).toMatchObject({
      document: '<file>',
      appId: '--into',
      folderId: '--folder',
      history: '--with-releases',
    });
  });
});
