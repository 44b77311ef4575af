// How a CLI command is declared (name, arguments, flags, summary, handler), and everything made from
// that one declaration: finding the command in argv, parsing and checking its arguments and flags,
// naming a field error by its flag or argument, and the help text (decision 0028).
import { parseArgs } from 'node:util';

export type Flag =
  | {
      type: 'string';
      help: string;
      required?: boolean;
      /** Shown in help: `--org <slug>`; default `<flag name>`. */
      value?: string;
      /** The only values accepted, checked before the handler runs. */
      choices?: readonly string[];
      /** The input field this flag feeds, when it is not the flag's name in camelCase: errors on it are named by the flag. */
      field?: string;
    }
  | { type: 'boolean'; help: string; field?: string };

type Flags = Record<string, Flag>;

/** A positional argument (`gatehouse app import <file>`): required, a string, in the declared order. */
export type Argument = { name: string; help: string; field?: string };

type FlagValue<F extends Flag> = F extends { type: 'boolean' } ? boolean : F extends { required: true } ? string : string | undefined;

export type FlagValues<F extends Flags> = { -readonly [K in keyof F]: FlagValue<F[K]> };
/** Each declared argument by name; nothing particular for the erased Command type (whose names are any string). */
type ArgumentValues<A extends readonly Argument[]> = string extends A[number]['name']
  ? unknown
  : { -readonly [K in A[number]['name']]: string };

/** What a command prints: `json` with --json, `text` otherwise. */
export type Output = { json: unknown; text: string };

export type Command<F extends Flags = Flags, A extends readonly Argument[] = readonly Argument[]> = {
  /** The words that invoke it: `scim directory create`. */
  name: string;
  /** One line, for the command list. */
  summary: string;
  /** More lines for the command's own help. */
  details?: string;
  /** Positional arguments after the name; none unless declared. */
  args?: A;
  flags: F;
  run: (values: FlagValues<F> & ArgumentValues<A>) => Promise<Output>;
};

export function defineCommand<const F extends Flags, const A extends readonly Argument[] = readonly []>(command: Command<F, A>): Command {
  return command as unknown as Command;
}

/** Wrong words or flags: nothing ran. Exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly helpFor = '',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const GLOBAL_FLAGS = new Set(['--json', '--help', '-h']);

export type Invocation =
  | { kind: 'help'; topic: string; exitCode: 0 | 2 }
  | { kind: 'run'; command: Command; flags: Record<string, string | boolean | undefined>; json: boolean };

/**
 * Reads argv: the leading words name the command (the longest declared name they spell), the rest
 * are its flags. --json and --help may come anywhere.
 */
export function resolve(commands: readonly Command[], argv: string[]): Invocation {
  const words: string[] = [];
  const rest: string[] = [];
  let flagsBegun = false;
  for (const arg of argv) {
    flagsBegun ||= arg.startsWith('-') && !GLOBAL_FLAGS.has(arg);
    (flagsBegun || arg.startsWith('-') ? rest : words).push(arg);
  }
  const wantsHelp = rest.includes('--help') || rest.includes('-h');
  if (words.length === 0) return { kind: 'help', topic: '', exitCode: wantsHelp ? 0 : 2 };
  if (words[0] === 'help') return { kind: 'help', topic: known(commands, words.slice(1)), exitCode: 0 };

  const command = find(commands, words);
  if (!command) {
    const group = known(commands, words);
    if (wantsHelp) return { kind: 'help', topic: group, exitCode: 0 };
    throw new UsageError(`"${group}" needs a subcommand: ${subcommands(commands, group).join(', ')}.`, group);
  }
  if (wantsHelp) return { kind: 'help', topic: command.name, exitCode: 0 };
  const extra = words.slice(command.name.split(' ').length);
  return { kind: 'run', command, flags: parseFlags(command, [...extra, ...rest]), json: rest.includes('--json') };
}

/** The command with the longest name the words start with. */
function find(commands: readonly Command[], words: string[]): Command | undefined {
  const spelled = commands.filter((c) => c.name.split(' ').every((part, i) => words[i] === part));
  return spelled.sort((a, b) => b.name.length - a.name.length)[0];
}

const subcommands = (commands: readonly Command[], group: string) =>
  commands.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name.slice(group.length + 1));

/** The command or group of commands (`scim directory`) the words name; a usage error when they name none. */
function known(commands: readonly Command[], words: string[]): string {
  const topic = words.join(' ');
  if (!topic || subcommands(commands, topic).length > 0) return topic;
  const command = find(commands, words);
  if (command) return command.name;
  const group = words.slice(0, -1).join(' ');
  const siblings = group ? subcommands(commands, group) : [];
  throw new UsageError(`unknown command "${topic}".${siblings.length ? ` "${group}" takes: ${siblings.join(', ')}.` : ''}`);
}

function parseFlags(command: Command, args: string[]): Record<string, string | boolean | undefined> {
  const options = Object.fromEntries(Object.entries(command.flags).map(([name, f]) => [name, { type: f.type }]));
  const declared = command.args ?? [];
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { ...options, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: declared.length > 0,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message, command.name);
  }
  if (positionals.length > declared.length) throw new UsageError(`unexpected argument "${positionals[declared.length]}".`, command.name);
  const missing = [
    ...declared.slice(positionals.length).map((a) => `<${a.name}>`),
    ...Object.entries(command.flags)
      .filter(([name, f]) => isRequired(f) && values[name] === undefined)
      .map(([name, f]) => flagText(name, f)),
  ];
  if (missing.length) throw new UsageError(`missing ${missing.join(', ')}.`, command.name);
  for (const [name, f] of Object.entries(command.flags)) {
    const v = values[name];
    if (f.type === 'string' && f.choices && typeof v === 'string' && !f.choices.includes(v)) {
      throw new UsageError(`--${name} takes ${f.choices.join(' or ')}, not "${v}".`, command.name);
    }
    if (f.type === 'boolean') values[name] = v === true;
  }
  delete values.json;
  declared.forEach((a, i) => (values[a.name] = positionals[i]));
  return values;
}

/** Input field → `--flag` (or `<argument>`), to name each problem by what caused it. */
export function flagsByField(command: Command): Record<string, string> {
  return Object.fromEntries([
    ...(command.args ?? []).map((a) => [a.field ?? a.name, `<${a.name}>`]),
    ...Object.entries(command.flags).map(([name, f]) => [f.field ?? camelCase(name), `--${name}`]),
  ]);
}

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function placeholder(name: string, f: Flag): string {
  if (f.type === 'boolean') return '';
  return f.choices ? `<${f.choices.join('|')}>` : (f.value ?? `<${name}>`);
}

export function columns(rows: [string, string][], indent: string): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}${right}`.trimEnd());
}

const JSON_HELP = 'Print one JSON object instead of text (errors too, with a non-zero exit).';

const flagText = (name: string, f: Flag) => `--${name}${f.type === 'string' ? ` ${placeholder(name, f)}` : ''}`;
const isRequired = (f: Flag) => f.type === 'string' && f.required === true;

/** The help for one command: usage, summary, details, each argument and flag. */
export function commandHelp(command: Command): string {
  const flags = Object.entries(command.flags);
  const args = command.args ?? [];
  const usage = [
    ...args.map((a) => `<${a.name}>`),
    ...flags.map(([name, f]) => (isRequired(f) ? flagText(name, f) : `[${flagText(name, f)}]`)),
  ];
  const rows = flags.map(([name, f]): [string, string] => [flagText(name, f), `${f.help}${isRequired(f) ? ' (required)' : ''}`]);
  return [
    `Usage: ${['gatehouse', command.name, ...usage, '[--json]'].join(' ')}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    ...(args.length
      ? [
          '',
          'Arguments:',
          ...columns(
            args.map((a): [string, string] => [`<${a.name}>`, a.help]),
            '  ',
          ),
        ]
      : []),
    '',
    'Options:',
    ...columns([...rows, ['--json', JSON_HELP]], '  '),
  ].join('\n');
}
