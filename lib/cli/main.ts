// gatehouse — the operator CLI. Each command is declared once under commands/ (decision 0028); this
// file finds it in argv, runs it and prints its output or its error. Commands call the same lib/
// functions as the app, with a `cli` actor, so every change is validated and audited the same way.
import { closeDb } from '@/db';
import { isAppError } from '@/lib/errors';
import { columns, commandHelp, flagsByField, resolve, UsageError, type Invocation } from './command';
import { commands } from './commands';

const ABOUT = `Every command takes --json: print one JSON object instead of text (errors too, with a non-zero exit).

The database is DATABASE_URL when set, otherwise the embedded one in GATEHOUSE_DATA_DIR (default .data);
the embedded database cannot be used while a Gatehouse server has it open.
Exit codes: 0 success, 1 rejected input or failure, 2 usage error.`;

/** The help for everything (no topic), one command, or a group of commands (`scim directory`). */
export function help(topic = ''): string {
  const command = commands.find((c) => c.name === topic);
  if (command) return commandHelp(command);
  const listed = commands.filter((c) => !topic || c.name.startsWith(`${topic} `));
  const rows: [string, string][] = listed.map((c) => [c.name, c.summary]);
  if (!topic) rows.push(['help [<command>]', "Show this help, or a command's options."]);
  return [
    ...(topic ? [] : ['gatehouse — operate a Gatehouse installation', '']),
    `Usage: gatehouse ${topic ? `${topic} ` : ''}<command> [options]`,
    '',
    'Commands:',
    ...columns(rows, '  '),
    '',
    `Run "gatehouse ${topic ? `${topic} ` : ''}<command> --help" for a command's options.`,
    ...(topic ? [] : [ABOUT]),
  ].join('\n');
}

/** Names each problem by the flag that caused it: `error: --slug: That URL is already taken.` */
function describeError(e: unknown, flags: Record<string, string>): { json: unknown; text: string } {
  if (isAppError(e)) {
    const fieldErrors: Record<string, string[]> = {};
    for (const [field, msgs] of Object.entries(e.meta.fieldErrors ?? {})) fieldErrors[flags[field] ?? field] = msgs;
    const lines = Object.entries(fieldErrors).map(([flag, msgs]) => `error: ${flag}: ${msgs.join(' ')}`);
    return {
      json: { error: { code: e.code, message: e.message, fieldErrors: lines.length ? fieldErrors : undefined, details: e.meta.details } },
      text: lines.length ? lines.join('\n') : `error: ${e.message}`,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { json: { error: { code: 'internal', message } }, text: `error: ${message}` };
}

function usage(e: UsageError): number {
  console.error(`error: ${e.message}\nRun "gatehouse ${e.helpFor ? `${e.helpFor} --help` : 'help'}" for usage.`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = resolve(commands, argv);
  } catch (e) {
    if (e instanceof UsageError) return usage(e);
    throw e;
  }
  if (invocation.kind === 'help') {
    console.log(help(invocation.topic));
    return invocation.exitCode;
  }
  const { command, flags, json } = invocation;
  try {
    const out = await command.run(flags);
    console.log(json ? JSON.stringify(out.json) : out.text);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usage(e);
    const out = describeError(e, flagsByField(command));
    if (json) console.log(JSON.stringify(out.json));
    else console.error(out.text);
    return 1;
  } finally {
    await closeDb();
  }
}

if (process.argv[1] && /lib[/\\]cli[/\\]main\.ts$/.test(process.argv[1])) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
