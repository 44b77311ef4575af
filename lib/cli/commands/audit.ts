// gatehouse audit purge · verify · checkpoint · signing-key — retention and the hash chain's proofs.
import fs from 'node:fs';
import { migrate } from '@/db/migrate';
import { verifyChain } from '@/lib/audit/chain';
import { newSigningKeyText, verifyCheckpoints, writeCheckpoints } from '@/lib/audit/checkpoints';
import { purgeExpiredEvents } from '@/lib/audit/retention';
import { AppError } from '@/lib/errors';
import { listOrganizations } from '@/lib/orgs/reads';
import { defineCommand } from '../command';
import { orgBySlug } from '../operator';

/** The organization --org names, or null for every one (after migrating, as orgBySlug does). */
async function orgOrEvery(slug: string | undefined) {
  if (slug) return orgBySlug(slug);
  await migrate();
  return null;
}

export const auditPurge = defineCommand({
  name: 'audit purge',
  summary: "Delete audit events past each organization's retention period now.",
  details: 'The server also does it hourly; a legal hold stops it.',
  flags: { org: { type: 'string', value: '<slug>', help: 'One organization (default: every organization)' } },
  async run(o) {
    const org = await orgOrEvery(o.org);
    const purged = await purgeExpiredEvents({ organizationId: org?.id });
    const lines = Object.entries(purged).map(([slug, n]) => `${slug}: deleted ${n} expired event(s)`);
    return { json: { purged }, text: lines.join('\n') || 'Nothing has expired.' };
  },
});

export const auditVerify = defineCommand({
  name: 'audit verify',
  summary: 'Check the audit hash chain; exits 1 at the first broken link.',
  flags: {
    org: { type: 'string', value: '<slug>', help: 'One organization (default: every organization)' },
    checkpoints: { type: 'string', value: '<file>', help: "Also check signed checkpoints (the checkpoint file, or a SIEM's copy)" },
  },
  async run(o) {
    if (o.checkpoints) {
      const org = await orgOrEvery(o.org);
      let lines: string[];
      try {
        lines = fs.readFileSync(o.checkpoints, 'utf8').split('\n');
      } catch (e) {
        throw AppError.field('checkpoints', `Cannot read ${o.checkpoints}: ${(e as Error).message}`);
      }
      const report = await verifyCheckpoints(lines, undefined, org?.id);
      if (report.problems.length)
        throw new AppError(
          'conflict',
          `${report.problems.join('\n')}\n${report.problems.length} checkpoint problem(s); ${report.checked} checkpoint(s) matched.`,
          { details: report },
        );
      if (report.checked === 0 && report.skipped === 0)
        throw new AppError('invalid_input', `No checkpoints${org ? ` of ${org.slug}` : ''} in ${o.checkpoints}.`);
      return {
        json: { ok: true, ...report },
        text: `ok      ${report.checked} checkpoint(s) match the chain${report.skipped ? ` (${report.skipped} cover events removed by retention)` : ''}.`,
      };
    }
    const orgs = o.org ? [await orgBySlug(o.org)] : (await migrate(), await listOrganizations());
    const reports = [];
    for (const org of orgs) reports.push({ slug: org.slug, ...(await verifyChain(org.id)) });
    const broken = reports.filter((r) => !r.ok);
    const lines = reports.map((r) => (r.ok ? `ok      ${r.slug}: ${r.events} events, chain intact` : `BROKEN  ${r.slug}: ${r.reason}`));
    if (broken.length)
      throw new AppError('conflict', `${lines.join('\n')}\n${broken.length} of ${reports.length} audit chain(s) are broken.`, {
        details: reports,
      });
    return { json: { ok: true, organizations: reports }, text: lines.join('\n') || 'No organizations.' };
  },
});

export const auditCheckpoint = defineCommand({
  name: 'audit checkpoint',
  summary:
    "Sign and record each organization's chain head now (the server does it every GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL seconds, 10 minutes by default).",
  flags: { org: { type: 'string', value: '<slug>', help: 'One organization (default: every organization)' } },
  async run(o) {
    const org = await orgOrEvery(o.org);
    const written = await writeCheckpoints({ organizationId: org?.id });
    return {
      json: { checkpoints: written },
      text: written.map((c) => `signed ${c.organizationId} at event ${c.seq}`).join('\n') || 'Every chain is already checkpointed.',
    };
  },
});

export const auditSigningKey = defineCommand({
  name: 'audit signing-key',
  summary: 'Print a new Ed25519 key for GATEHOUSE_AUDIT_SIGNING_KEY.',
  flags: {},
  async run() {
    const key = newSigningKeyText();
    return { json: { key }, text: key };
  },
});
