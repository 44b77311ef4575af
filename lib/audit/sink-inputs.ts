// What a streaming destination may be set to, for the settings page, the public API and the CLI
// alike: one schema to create one, one to change one, and the rules that depend on its kind.
import { z } from 'zod';
import { AUDIT_SINK_KINDS, type AuditSink } from '@/db/schema';

/** Datadog sites and their log intake origins. */
export const DATADOG_SITES = {
  'datadoghq.com': 'https://http-intake.logs.datadoghq.com',
  'us3.datadoghq.com': 'https://http-intake.logs.us3.datadoghq.com',
  'us5.datadoghq.com': 'https://http-intake.logs.us5.datadoghq.com',
  'datadoghq.eu': 'https://http-intake.logs.datadoghq.eu',
  'ap1.datadoghq.com': 'https://http-intake.logs.ap1.datadoghq.com',
  'ddog-gov.com': 'https://http-intake.logs.ddog-gov.com',
} as const;
export type DatadogSite = keyof typeof DATADOG_SITES;
export const DATADOG_SITE_NAMES = Object.keys(DATADOG_SITES) as [DatadogSite, ...DatadogSite[]];
export const DEFAULT_DATADOG_SITE: DatadogSite = 'datadoghq.com';

/** The Datadog site whose intake `url` is; null for a custom intake (a proxy, a local collector). */
export function datadogSiteOf(url: string): DatadogSite | null {
  return DATADOG_SITE_NAMES.find((site) => DATADOG_SITES[site] === url) ?? null;
}

/** The settings each kind takes besides its URL and secret; the others are refused. */
export const SINK_OPTIONS = { datadog: ['service', 'tags'], splunk: ['index', 'sourcetype'], webhook: [] } as const satisfies Record<
  AuditSink['kind'],
  readonly SinkOption[]
>;
export type SinkOption = 'service' | 'tags' | 'index' | 'sourcetype';
const OPTION_NAMES: Record<SinkOption, string> = { service: 'a service', tags: 'tags', index: 'an index', sourcetype: 'a source type' };
const OPTION_OWNER: Record<SinkOption, string> = { service: 'Datadog', tags: 'Datadog', index: 'Splunk', sourcetype: 'Splunk' };

/** Why a kind does not take `option`, or null when it does. */
export function optionProblem(kind: AuditSink['kind'], option: SinkOption): string | null {
  return (SINK_OPTIONS[kind] as readonly SinkOption[]).includes(option)
    ? null
    : `Only ${OPTION_OWNER[option]} destinations take ${OPTION_NAMES[option]}.`;
}

export const SITE_PROBLEM = 'Only Datadog destinations take a site; give the URL instead.';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/** https anywhere; plain http only to this machine (local collectors, tests). Never link-local (cloud metadata). */
function sinkUrlProblem(value: string): string | null {
  if (value.length > 2000) return 'Use at most 2,000 characters.';
  if (!URL.canParse(value)) return 'Enter a full URL, e.g. https://logs.example.com/ingest.';
  const u = new URL(value);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.test(u.hostname)))
    return 'Use an https URL (plain http is allowed only to localhost).';
  if (/^169\.254\.|^\[fe80:/i.test(u.hostname)) return 'Link-local addresses are not allowed.';
  if (u.username || u.password) return 'Put credentials in the secret field, not in the URL.';
  return null;
}

/**
 * Where a destination of `kind` sends: its URL, or for Datadog without one, its site's intake
 * (a URL overrides the site). A problem with the URL otherwise.
 */
export function resolveSinkUrl(
  kind: AuditSink['kind'],
  url: string | undefined,
  site: DatadogSite | undefined,
): { url: string } | { problem: string } {
  const resolved = url || (kind === 'datadog' ? DATADOG_SITES[site ?? DEFAULT_DATADOG_SITE] : undefined);
  if (!resolved) return { problem: 'Enter the URL events are sent to.' };
  const problem = sinkUrlProblem(resolved);
  return problem ? { problem } : { url: resolved };
}

const sinkName = z.string().trim().min(1, 'Name the destination.').max(100, 'Use at most 100 characters.');
const datadogSite = z.enum(DATADOG_SITE_NAMES, `Choose a Datadog site: ${DATADOG_SITE_NAMES.join(', ')}.`);
const blankAsUndefined = (s: z.ZodString) => s.optional().transform((v) => v || undefined);
const optionText = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`);
const OPTION_MAX: Record<SinkOption, number> = { service: 100, tags: 500, index: 100, sourcetype: 100 };
const secretHelp = 'The Datadog API key, Splunk HEC token or webhook signing secret. Write-only: never returned.';

export const createSinkInput = z
  .strictObject({
    name: sinkName,
    kind: z.enum(AUDIT_SINK_KINDS, 'Choose Datadog, Splunk or webhook.'),
    /** Datadog only: a site instead of a URL. */
    site: datadogSite.optional().describe(`Datadog only: the site whose intake receives the events (default ${DEFAULT_DATADOG_SITE}).`),
    url: blankAsUndefined(z.string().trim()).describe(
      'Splunk: the HEC URL (…/services/collector/event); webhook: the endpoint; Datadog: a custom intake instead of the site.',
    ),
    secret: z
      .string()
      .trim()
      .min(1, 'Enter the API key, HEC token or signing secret.')
      .max(500, 'Use at most 500 characters.')
      .describe(secretHelp),
    service: blankAsUndefined(optionText(OPTION_MAX.service)).describe('Datadog only: the service (default gatehouse).'),
    tags: blankAsUndefined(optionText(OPTION_MAX.tags)).describe('Datadog only: ddtags, e.g. env:prod,team:security.'),
    index: blankAsUndefined(optionText(OPTION_MAX.index)).describe("Splunk only: the index (default: the token's)."),
    sourcetype: blankAsUndefined(optionText(OPTION_MAX.sourcetype)).describe('Splunk only: the source type (default gatehouse:audit).'),
    /** Also send events from this moment on (a backfill); default: only events from now. */
    backfillFrom: z.iso
      .datetime({ offset: true, message: 'Use a date and time, e.g. 2026-01-31T00:00:00Z.' })
      .optional()
      .or(z.literal('').transform(() => undefined))
      .describe('Also send the events since this moment; by default only events from now on.'),
  })
  // A refinement, not the transform: it runs even when another field is malformed, so every problem is named at once.
  .superRefine((v, ctx) => {
    if (!AUDIT_SINK_KINDS.includes(v.kind)) return; // refused as it is; the rest depends on it
    for (const option of ['service', 'tags', 'index', 'sourcetype'] as const) {
      const problem = v[option] === undefined ? null : optionProblem(v.kind, option);
      if (problem) ctx.addIssue({ code: 'custom', path: [option], message: problem });
    }
    if (v.site && v.kind !== 'datadog') ctx.addIssue({ code: 'custom', path: ['site'], message: SITE_PROBLEM });
    const target = resolveSinkUrl(v.kind, v.url, v.site);
    if ('problem' in target) ctx.addIssue({ code: 'custom', path: ['url'], message: target.problem });
  })
  .transform(({ site, service, tags, index, sourcetype, ...v }) => ({
    ...v,
    url: (resolveSinkUrl(v.kind, v.url, site) as { url: string }).url,
    options: JSON.parse(JSON.stringify({ service, tags, index, sourcetype })) as AuditSink['options'],
  }));
export type CreateSinkInput = z.infer<typeof createSinkInput>;

/** An option on a change: absent keeps it, a value sets it, '' or null clears it. */
const changedOption = (option: SinkOption) =>
  optionText(OPTION_MAX[option])
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v));

/**
 * A change to a destination: every field may be left out (kept). Its kind is fixed. Which fields
 * the kind takes is checked against the stored destination (updateSink), so those refusals come
 * from there.
 */
export const updateSinkInput = z.strictObject({
  sinkId: z.uuid('Unknown destination.'),
  name: sinkName.optional(),
  site: datadogSite.optional().describe('Datadog only: send to this site’s intake (replaces a custom URL).'),
  url: z
    .string()
    .trim()
    .optional()
    .describe('The new URL; for Datadog, empty means the site’s intake (the given site, else datadoghq.com).'),
  secret: z
    .string()
    .trim()
    .max(500, 'Use at most 500 characters.')
    .optional()
    .transform((v) => v || undefined)
    .describe(`${secretHelp} Empty or left out keeps the current one.`),
  service: changedOption('service').describe('Datadog only; null or empty clears it.'),
  tags: changedOption('tags').describe('Datadog only; null or empty clears them.'),
  index: changedOption('index').describe('Splunk only; null or empty clears it.'),
  sourcetype: changedOption('sourcetype').describe('Splunk only; null or empty clears it.'),
  paused: z.boolean().optional().describe('true pauses delivery (events wait behind its cursor); false resumes it where it stopped.'),
});
/** Parsed, or written by hand in lib/ and tests: every field but the id may be left out. */
export type UpdateSinkInput = { sinkId: string } & Partial<Omit<z.infer<typeof updateSinkInput>, 'sinkId'>>;
