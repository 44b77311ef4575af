// gatehouse audit destination … — audit streaming destinations as configuration, through the same
// lib/audit/sinks functions, validation and audit events as Settings → Audit streaming and
// /api/v1/audit-destinations. Secrets go in (--secret, or --secret-file to keep them out of argv)
// and never come out.
import fs from 'node:fs';
import { createSinkInput, DATADOG_SITE_NAMES, updateSinkInput } from '@/lib/audit/sink-inputs';
import {
  createSink,
  deleteSink,
  getSinkStatus,
  listSinks,
  setSinkPaused,
  sinkView,
  testSink,
  updateSink,
  type SinkStatus,
} from '@/lib/audit/sinks';
import { AppError, isAppError } from '@/lib/errors';
import type { OrganizationSummary } from '@/lib/orgs/reads';
import { runMutation } from '@/lib/server/mutation';
import { defineCommand, UsageError } from '../command';
import { cliInit, orgBySlug, parseWith } from '../operator';

const org = { type: 'string', required: true, value: '<slug>', help: 'Organization' } as const;
const destination = [{ name: 'destination', help: "The destination's id or name", field: 'sinkId' }] as const;
const KIND = { datadog: 'Datadog Logs', splunk: 'Splunk HEC', webhook: 'webhook' } as const;

const settingFlags = {
  site: { type: 'string', value: '<site>', help: `Datadog: ${DATADOG_SITE_NAMES.join(', ')} (default datadoghq.com)` },
  url: { type: 'string', value: '<url>', help: 'Splunk: the HEC URL; webhook: the endpoint; Datadog: a custom intake instead of the site' },
  secret: { type: 'string', value: '<secret>', help: 'The Datadog API key, Splunk HEC token or webhook signing secret' },
  'secret-file': {
    type: 'string',
    value: '<file>',
    help: 'Read the secret from this file instead (- reads standard input), keeping it out of the process list',
  },
  service: { type: 'string', value: '<name>', help: 'Datadog: the service (default gatehouse)' },
  tags: { type: 'string', value: '<tags>', help: 'Datadog: ddtags, e.g. env:prod,team:security' },
  index: { type: 'string', value: '<index>', help: "Splunk: the index (default: the token's)" },
  sourcetype: { type: 'string', value: '<type>', help: 'Splunk: the source type (default gatehouse:audit)' },
} as const;

/** The secret from --secret or --secret-file (read here; an empty file is a mistake, not "keep"). */
function secretOf(command: string, o: { secret?: string; 'secret-file'?: string }): { secret: string | undefined; fromFile: boolean } {
  const file = o['secret-file'];
  if (file === undefined) return { secret: o.secret, fromFile: false };
  if (o.secret !== undefined) throw new UsageError('give --secret or --secret-file, not both.', command);
  let secret: string;
  try {
    secret = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw AppError.field('secretFile', `Cannot read ${file}: ${(e as Error).message}`);
  }
  if (!secret.trim()) throw AppError.field('secretFile', `${file === '-' ? 'Standard input' : file} is empty; it should hold the secret.`);
  return { secret, fromFile: true };
}

/** parseWith, naming a problem with a secret read from a file by --secret-file. */
function parseSettings<T>(parse: () => T, fromFile: boolean): T {
  try {
    return parse();
  } catch (e) {
    if (!fromFile || !isAppError(e) || !e.meta.fieldErrors?.secret) throw e;
    const { secret, ...rest } = e.meta.fieldErrors;
    throw new AppError(e.code, e.message, { fieldErrors: { ...rest, secretFile: secret } });
  }
}

/** A destination the operator names by id or by name (any letter case). */
async function destinationOf(organization: OrganizationSummary, idOrName: string): Promise<SinkStatus> {
  const sinks = await listSinks(organization.id);
  const wanted = idOrName.trim().toLowerCase();
  const sink = sinks.find((s) => s.id === idOrName) ?? sinks.find((s) => s.name.toLowerCase() === wanted);
  if (sink) return sink;
  const names = sinks.map((s) => s.name);
  const hint = names.length ? ` Its destinations: ${names.join(', ')}.` : '';
  throw AppError.field('sinkId', `No destination "${idOrName}" in ${organization.slug}.${hint}`, 'not_found');
}

function line(s: SinkStatus): string {
  const lag = s.lagEvents === 0 ? 'up to date' : `${s.lagEvents} event(s) behind`;
  const error = s.failures > 0 && s.lastError ? `  failing: ${s.lastError}` : '';
  return `${s.id}  ${s.paused ? 'paused' : 'active'}  ${s.kind.padEnd(7)}  ${s.name}  ${s.url}  secret set  ${lag}${error}`;
}

export const auditDestinationList = defineCommand({
  name: 'audit destination list',
  summary: "List an organization's audit streaming destinations (secrets are never shown).",
  flags: { org },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const sinks = await listSinks(organization.id);
    return {
      json: { destinations: sinks.map(sinkView) },
      text: sinks.map(line).join('\n') || `No audit streaming destinations in ${organization.slug}.`,
    };
  },
});

export const auditDestinationCreate = defineCommand({
  name: 'audit destination create',
  summary: 'Add a destination: Datadog Logs, Splunk HEC, or a webhook signed with HMAC-SHA256.',
  details:
    'The server delivers to it within seconds, from now on, or from --backfill-from. The secret is stored encrypted and never shown again. Recorded as AUDIT_SINK_CREATED.',
  flags: {
    org,
    kind: { type: 'string', required: true, value: '<datadog|splunk|webhook>', help: 'What receives the events' },
    name: { type: 'string', required: true, value: '<name>', help: 'Its name, unique in the organization' },
    ...settingFlags,
    'backfill-from': { type: 'string', value: '<time>', help: 'Also send the events since then, e.g. 2026-01-31T00:00:00Z' },
  },
  async run(o) {
    const { secret, fromFile } = secretOf('audit destination create', o);
    const input = parseSettings(
      () =>
        parseWith(createSinkInput, {
          name: o.name,
          kind: o.kind,
          site: o.site,
          url: o.url,
          secret: secret ?? '',
          service: o.service,
          tags: o.tags,
          index: o.index,
          sourcetype: o.sourcetype,
          backfillFrom: o['backfill-from'],
        }),
      fromFile,
    );
    const organization = await orgBySlug(o.org);
    const { id } = await runMutation(cliInit(organization.id), (ctx) => createSink(ctx, input));
    const created = await getSinkStatus(organization.id, id);
    return {
      json: { destination: sinkView(created!) },
      text: `Added ${KIND[input.kind]} destination ${input.name} (${id}) sending to ${input.url}; the server delivers within seconds. The secret is stored encrypted and never shown.`,
    };
  },
});

export const auditDestinationUpdate = defineCommand({
  name: 'audit destination update',
  summary: "Change a destination's name, URL, secret or options; what is not given is kept.",
  details:
    "Its kind is fixed. An option given as '' is cleared. A new URL or secret is tried at once. Recorded as UPDATE_AUDIT_SINK, naming what changed (never the secret).",
  args: destination,
  flags: { org, name: { type: 'string', value: '<name>', help: 'A new name' }, ...settingFlags },
  async run(o) {
    const { secret, fromFile } = secretOf('audit destination update', o);
    const organization = await orgBySlug(o.org);
    const sink = await destinationOf(organization, o.destination);
    const input = parseSettings(
      () =>
        parseWith(updateSinkInput, {
          sinkId: sink.id,
          name: o.name,
          site: o.site,
          url: o.url,
          secret,
          service: o.service,
          tags: o.tags,
          index: o.index,
          sourcetype: o.sourcetype,
        }),
      fromFile,
    );
    const { changed } = await runMutation(cliInit(organization.id), (ctx) => updateSink(ctx, input));
    return { json: { id: sink.id, changed }, text: `Updated ${input.name ?? sink.name} (${changed.join(', ')}).` };
  },
});

export const auditDestinationTest = defineCommand({
  name: 'audit destination test',
  summary: 'Send a test event (not part of the audit log); exits 1 with what the destination said if it refuses.',
  details: 'Recorded as AUDIT_SINK_TESTED with the answer.',
  args: destination,
  flags: { org },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const sink = await destinationOf(organization, o.destination);
    const result = await runMutation(cliInit(organization.id), (ctx) => testSink(ctx, { sinkId: sink.id }));
    if (!result.ok)
      throw new AppError('conflict', `The test event to ${sink.name} was not accepted: ${result.error}`, {
        details: { id: sink.id, ...result },
      });
    return { json: { id: sink.id, ...result }, text: `Delivered a test event to ${sink.name} (HTTP ${result.status}).` };
  },
});

export const auditDestinationPause = defineCommand({
  name: 'audit destination pause',
  summary: 'Stop delivering to a destination; events wait behind its cursor until it is resumed.',
  details: 'Recorded as AUDIT_SINK_DISABLED.',
  args: destination,
  flags: { org },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const sink = await destinationOf(organization, o.destination);
    await runMutation(cliInit(organization.id), (ctx) => setSinkPaused(ctx, { sinkId: sink.id, paused: true }));
    return { json: { id: sink.id, paused: true }, text: `Paused ${sink.name}: events wait until it is resumed.` };
  },
});

export const auditDestinationResume = defineCommand({
  name: 'audit destination resume',
  summary: 'Deliver to a paused destination again, from where it stopped.',
  details: 'Recorded as AUDIT_SINK_ENABLED.',
  args: destination,
  flags: { org },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const sink = await destinationOf(organization, o.destination);
    await runMutation(cliInit(organization.id), (ctx) => setSinkPaused(ctx, { sinkId: sink.id, paused: false }));
    return { json: { id: sink.id, paused: false }, text: `Resumed ${sink.name}: delivery continues from where it stopped.` };
  },
});

export const auditDestinationDelete = defineCommand({
  name: 'audit destination delete',
  summary: 'Delete a destination; events it has not received are not sent there.',
  details: 'Recorded as AUDIT_SINK_DELETED.',
  args: destination,
  flags: { org },
  async run(o) {
    const organization = await orgBySlug(o.org);
    const sink = await destinationOf(organization, o.destination);
    await runMutation(cliInit(organization.id), (ctx) => deleteSink(ctx, { sinkId: sink.id }));
    return { json: { id: sink.id, deleted: true }, text: `Deleted ${sink.name}.` };
  },
});
