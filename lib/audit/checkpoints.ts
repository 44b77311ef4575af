// Signed checkpoints: every few minutes each organization's chain head (seq, hash) is signed with
// an Ed25519 key kept outside the database, appended to a JSON-lines file, and recorded as an
// AUDIT_CHECKPOINT event, which the streaming sinks then carry off the machine. Someone who can
// rewrite the database can recompute every hash, but cannot sign: a rewritten chain no longer
// matches the checkpoints held in the file and by the SIEM.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { dataDir, getDb, queryRows, type DbOrTx } from '@/db';
import { auditChainHeads, auditEvents, organizations } from '@/db/schema';
import { auditCheckpointIntervalSeconds } from '@/lib/env';
import { secretFromEnvOrDataDir } from '@/lib/keys/generated-secrets';
import { runMutation } from '@/lib/server/mutation';
import { canonicalJson } from './canonical-json';
import { record } from './record';

export type Checkpoint = { v: 1; organizationId: string; seq: number; hash: string; at: string; keyId: string; signature: string };

type SigningKey = { privateKey: KeyObject; publicKey: KeyObject; keyId: string };
const cache = globalThis as unknown as { __gatehouseAuditSigningKey?: SigningKey };

/** The Ed25519 key: GATEHOUSE_AUDIT_SIGNING_KEY (base64 PKCS#8 DER), generated into the data dir in embedded mode. */
export function signingKey(): SigningKey {
  if (cache.__gatehouseAuditSigningKey) return cache.__gatehouseAuditSigningKey;
  const encoded = secretFromEnvOrDataDir(
    ['GATEHOUSE_AUDIT_SIGNING_KEY'],
    'audit-signing-key',
    () => generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    'Generate one with: npm run gatehouse -- audit signing-key',
  );
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(encoded, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('GATEHOUSE_AUDIT_SIGNING_KEY must be a base64-encoded PKCS#8 Ed25519 private key.');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('GATEHOUSE_AUDIT_SIGNING_KEY must be an Ed25519 key.');
  const publicKey = createPublicKey(privateKey);
  return (cache.__gatehouseAuditSigningKey = { privateKey, publicKey, keyId: publicKeyId(publicKey) });
}

/** A short, stable name for a public key: the first 16 hex digits of SHA-256 over its SPKI form. */
export function publicKeyId(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

export function newSigningKeyText(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

const signedPart = (c: Omit<Checkpoint, 'signature'>) => Buffer.from(canonicalJson(c));

export function signCheckpoint(fields: Omit<Checkpoint, 'v' | 'keyId' | 'signature'>, key: SigningKey = signingKey()): Checkpoint {
  const unsigned = { v: 1 as const, ...fields, keyId: key.keyId };
  return { ...unsigned, signature: sign(null, signedPart(unsigned), key.privateKey).toString('base64') };
}

export function checkpointSignatureValid(c: Checkpoint, publicKey: KeyObject): boolean {
  const { signature, ...unsigned } = c;
  try {
    return verify(null, signedPart(unsigned), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** GATEHOUSE_AUDIT_CHECKPOINT_FILE, or audit-checkpoints.jsonl in the data dir. */
export function checkpointFile(): string | null {
  const configured = process.env.GATEHOUSE_AUDIT_CHECKPOINT_FILE?.trim();
  if (configured) return configured;
  return dataDir() === 'memory://' ? null : path.join(dataDir(), 'audit-checkpoints.jsonl');
}

/**
 * Signs the head of every organization whose chain moved since its last checkpoint. Returns the
 * checkpoints written. The file line is appended only after the event commits.
 *
 * Every instance runs these rounds, and they may meet (decision 0039): an organization is
 * checkpointed by one of them at a time (a transaction-level advisory lock; whoever finds it
 * taken leaves that organization to the holder), and the "nothing happened since" check is made
 * again under the chain head's row lock, so a round that read the head before another instance's
 * checkpoint committed does not sign that checkpoint in turn.
 */
export async function writeCheckpoints(opts: { organizationId?: string; now?: Date; file?: string | null } = {}): Promise<Checkpoint[]> {
  const file = opts.file === undefined ? checkpointFile() : opts.file;
  const heads = await getDb()
    .select({ organizationId: auditChainHeads.organizationId, seq: auditChainHeads.seq })
    .from(auditChainHeads)
    .innerJoin(organizations, eq(organizations.id, auditChainHeads.organizationId))
    .where(opts.organizationId ? eq(auditChainHeads.organizationId, opts.organizationId) : undefined);
  const written: Checkpoint[] = [];
  for (const head of heads) {
    if (head.seq === 0 || (await checkpointed(head.organizationId, head.seq, getDb()))) continue;
    const checkpoint = await runMutation(
      {
        orgId: head.organizationId,
        actor: { kind: 'system', job: 'audit-checkpoint' },
        request: { requestId: `checkpoint-${crypto.randomUUID()}`, ipAddress: null, userAgent: null },
      },
      async (ctx) => {
        const [lock] = await queryRows<{ taken: boolean }>(
          ctx.tx,
          sql`select pg_try_advisory_xact_lock(hashtextextended(${`audit-checkpoint:${head.organizationId}`}, 0)) as taken`,
        );
        if (!lock?.taken) throw SKIP; // another instance is checkpointing this organization now
        // Sign the head as it is inside this transaction (its row lock holds appends meanwhile).
        const [current] = await ctx.tx
          .select()
          .from(auditChainHeads)
          .where(eq(auditChainHeads.organizationId, head.organizationId))
          .for('update');
        if (!current || (await checkpointed(head.organizationId, current.seq, ctx.tx))) throw SKIP;
        const c = signCheckpoint({
          organizationId: head.organizationId,
          seq: current.seq,
          hash: current.hash,
          at: (opts.now ?? new Date()).toISOString(),
        });
        await record(ctx, {
          actionType: 'AUDIT_CHECKPOINT',
          metadata: { seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId, signature: c.signature },
        });
        if (file) {
          ctx.afterCommit.push(() => {
            // With DATABASE_URL nothing else creates the data dir; the file's copy must not be lost for it.
            fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
            fs.appendFileSync(file, `${JSON.stringify(c)}\n`, { mode: 0o600 });
          });
        }
        return c;
      },
    ).catch((e: unknown) => {
      if (e === SKIP) return null; // rolled back: it held only the lock and the head's row lock
      throw e;
    });
    if (checkpoint) written.push(checkpoint);
  }
  return written;
}

/** Thrown inside a checkpoint's transaction to leave it without a change (runMutation insists on an event). */
const SKIP = Symbol('skip');

/** Nothing happened since the last checkpoint: the event at `seq` is a checkpoint of the one before it. */
async function checkpointed(organizationId: string, seq: number, db: DbOrTx): Promise<boolean> {
  const [last] = await db
    .select({ actionType: auditEvents.actionType, metadata: auditEvents.metadata })
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, organizationId), eq(auditEvents.seq, seq)));
  return last?.actionType === 'AUDIT_CHECKPOINT' && last.metadata.seq === seq - 1;
}

export type CheckpointReport = { checked: number; skipped: number; problems: string[] };

/**
 * Compares checkpoints (from the file, or copies a SIEM kept) with the chain in the database:
 * each must be signed by `publicKey`, and the event at its seq must still have its hash (events
 * removed by retention are skipped).
 */
export async function verifyCheckpoints(
  lines: string[],
  publicKey: KeyObject = signingKey().publicKey,
  organizationId?: string,
): Promise<CheckpointReport> {
  const report: CheckpointReport = { checked: 0, skipped: 0, problems: [] };
  const keyId = publicKeyId(publicKey);
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let c: Checkpoint;
    try {
      c = JSON.parse(line) as Checkpoint;
    } catch {
      report.problems.push(`Line ${i + 1} is not JSON.`);
      continue;
    }
    if (organizationId && c.organizationId !== organizationId) continue;
    if (c.keyId !== keyId || !checkpointSignatureValid(c, publicKey)) {
      report.problems.push(`Line ${i + 1}: the signature does not verify with key ${keyId}.`);
      continue;
    }
    const [head] = await getDb().select().from(auditChainHeads).where(eq(auditChainHeads.organizationId, c.organizationId));
    if (!head || head.seq < c.seq) {
      report.problems.push(
        `Checkpoint of ${c.at} (organization ${c.organizationId}) covers event ${c.seq}, but the chain ends at ${head?.seq ?? 0}: events were removed.`,
      );
      continue;
    }
    if (c.seq <= head.baseSeq) {
      report.skipped++;
      continue;
    }
    const [event] = await getDb()
      .select({ hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, c.organizationId), eq(auditEvents.seq, c.seq)));
    if (event?.hash !== c.hash) {
      report.problems.push(
        `Event ${c.seq} of organization ${c.organizationId} no longer matches the checkpoint signed at ${c.at}: the chain was rewritten.`,
      );
      continue;
    }
    report.checked++;
  }
  return report;
}

/**
 * Runs checkpoints in this process (the server) every GATEHOUSE_AUDIT_CHECKPOINT_INTERVAL seconds
 * (10 minutes), each wait drawn within ±20 % of it, so instances started together do not keep
 * meeting at the same moment and no one instance always comes first.
 */
export function startAuditCheckpointLoop(intervalMs = auditCheckpointIntervalSeconds() * 1000): void {
  const schedule = () =>
    setTimeout(
      () => {
        writeCheckpoints()
          .catch((e) => console.error('[gatehouse] audit checkpoint failed:', e))
          .finally(schedule);
      },
      intervalMs * (0.8 + 0.4 * Math.random()),
    ).unref();
  schedule();
}
