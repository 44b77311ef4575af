// SCIM directories: one per IdP connection, each with its own base URL and bearer token. Admins
// manage them in Settings → SCIM or with `gatehouse scim directory …`; the token is shown once.
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, isDatabaseUnavailable, prepared, type DbOrTx } from '@/db';
import { scimDirectories, scimRequests, type ScimDirectory } from '@/db/schema';
import { record } from '@/lib/audit/record';
import { authorize } from '@/lib/authz/authorize';
import { randomToken, safeEqual, sha256Hex } from '@/lib/crypto/tokens';
import { AppError } from '@/lib/errors';
import { isUniqueViolation, type MutationCtx, orgOf } from '@/lib/server/mutation';
import { printable } from '@/lib/storable-text';
import { isUuid } from './resource';

export const SCIM_TOKEN_PREFIX = 'ghs_';
/** How many requests each directory's log keeps. */
export const SCIM_REQUEST_LOG_SIZE = 1000;

export function scimBaseUrl(origin: string, directoryId: string): string {
  return `${origin.replace(/\/$/, '')}/api/scim/v2/${directoryId}`;
}

export const createDirectoryInput = z.object({
  name: z.string().trim().min(1, 'Name the directory, e.g. Okta.').max(100, 'Use at most 100 characters.'),
});

function newToken() {
  const token = `${SCIM_TOKEN_PREFIX}${randomToken()}`;
  return { token, tokenHash: sha256Hex(token), tokenPrefix: token.slice(0, 10) };
}

async function findDirectory(orgId: string, directoryId: string, db: DbOrTx): Promise<ScimDirectory> {
  const [row] = await db
    .select()
    .from(scimDirectories)
    .where(and(eq(scimDirectories.id, directoryId), eq(scimDirectories.organizationId, orgId)));
  if (!row) throw new AppError('not_found', 'No such SCIM directory.');
  return row;
}

/** Creates a directory (admins). Returns its token once; only the hash is kept. */
export async function createDirectory(
  ctx: MutationCtx,
  input: z.infer<typeof createDirectoryInput>,
): Promise<{ id: string; token: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const { token, tokenHash, tokenPrefix } = newToken();
  let row: { id: string } | undefined;
  try {
    [row] = await ctx.tx
      .insert(scimDirectories)
      .values({ organizationId: orgId, name: input.name, tokenHash, tokenPrefix })
      .returning({ id: scimDirectories.id });
  } catch (e) {
    if (isUniqueViolation(e)) throw AppError.field('name', 'A SCIM directory with that name already exists.', 'conflict');
    throw e;
  }
  await record(ctx, { actionType: 'SCIM_DIRECTORY_CREATED', metadata: { directoryId: row!.id, name: input.name } });
  return { id: row!.id, token };
}

/** Replaces the token: the old one stops working when this commits. */
export async function rotateDirectoryToken(ctx: MutationCtx, input: { directoryId: string }): Promise<{ token: string }> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const dir = await findDirectory(orgId, input.directoryId, ctx.tx);
  const { token, tokenHash, tokenPrefix } = newToken();
  await ctx.tx
    .update(scimDirectories)
    .set({ tokenHash, tokenPrefix, tokenRotatedAt: new Date(), updatedAt: new Date() })
    .where(eq(scimDirectories.id, dir.id));
  await record(ctx, { actionType: 'SCIM_TOKEN_ROTATED', metadata: { directoryId: dir.id, name: dir.name } });
  return { token };
}

/** Pausing makes the directory answer 503, so the IdP holds its changes and retries. */
export async function setDirectoryPaused(ctx: MutationCtx, input: { directoryId: string; paused: boolean }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const dir = await findDirectory(orgId, input.directoryId, ctx.tx);
  if (dir.paused === input.paused)
    throw new AppError('conflict', input.paused ? 'This directory is already paused.' : 'This directory is not paused.');
  await ctx.tx.update(scimDirectories).set({ paused: input.paused, updatedAt: new Date() }).where(eq(scimDirectories.id, dir.id));
  await record(ctx, {
    actionType: input.paused ? 'SCIM_DIRECTORY_PAUSED' : 'SCIM_DIRECTORY_RESUMED',
    metadata: { directoryId: dir.id, name: dir.name },
  });
}

/** Deletes a directory; its users and groups stay, no longer managed by it. */
export async function deleteDirectory(ctx: MutationCtx, input: { directoryId: string }): Promise<void> {
  const orgId = orgOf(ctx);
  await authorize(ctx, 'manage', { kind: 'org', area: 'settings' });
  const dir = await findDirectory(orgId, input.directoryId, ctx.tx);
  await ctx.tx.delete(scimDirectories).where(eq(scimDirectories.id, dir.id));
  await record(ctx, { actionType: 'SCIM_DIRECTORY_DELETED', metadata: { directoryId: dir.id, name: dir.name } });
}

export type DirectoryListItem = Pick<ScimDirectory, 'id' | 'name' | 'tokenPrefix' | 'paused' | 'tokenRotatedAt' | 'createdAt'> & {
  lastRequestAt: Date | null;
  users: number;
  groups: number;
};

export async function listDirectories(orgId: string, db: DbOrTx = getDb()): Promise<DirectoryListItem[]> {
  // Correlated subqueries name the outer table explicitly: drizzle renders selected columns unqualified.
  return db
    .select({
      id: scimDirectories.id,
      name: scimDirectories.name,
      tokenPrefix: scimDirectories.tokenPrefix,
      paused: scimDirectories.paused,
      tokenRotatedAt: scimDirectories.tokenRotatedAt,
      lastRequestAt: sql<Date | null>`(select max(r.created_at) from scim_requests r where r.directory_id = scim_directories.id)`.mapWith(
        (v) => (v ? new Date(v as string) : null),
      ),
      createdAt: scimDirectories.createdAt,
      users: sql<number>`(select count(*)::int from users u where u.scim_directory_id = scim_directories.id and u.scim_deleted_at is null)`,
      groups: sql<number>`(select count(*)::int from permission_groups g where g.scim_directory_id = scim_directories.id)`,
    })
    .from(scimDirectories)
    .where(eq(scimDirectories.organizationId, orgId))
    .orderBy(scimDirectories.createdAt);
}

/** One directory of the organization; null for another organization's id or a malformed one. */
export async function getDirectory(orgId: string, directoryId: string, db: DbOrTx = getDb()): Promise<ScimDirectory | null> {
  if (!isUuid(directoryId)) return null;
  const [row] = await db
    .select()
    .from(scimDirectories)
    .where(and(eq(scimDirectories.id, directoryId), eq(scimDirectories.organizationId, orgId)));
  return row ?? null;
}

// Every SCIM request starts here: built once (db/index.ts `prepared`).
const directoryById = (db: DbOrTx) =>
  db
    .select()
    .from(scimDirectories)
    .where(eq(scimDirectories.id, sql.placeholder('id')))
    .prepare('scim_directory_by_id');

/**
 * The directory a request is for, when the bearer token is that directory's current token
 * (`directory` null otherwise, whatever the reason, so callers answer 401 without saying which).
 * `exists` says whether the id names a directory at all: failed attempts are logged there.
 */
export async function authenticateDirectory(directoryId: string, bearer: string, db: DbOrTx = getDb()): Promise<DirectoryAuthentication> {
  if (!isUuid(directoryId)) return { directory: null, exists: false };
  const [row] = await prepared(db, 'scimDirectoryById', directoryById).execute({ id: directoryId });
  return checkDirectoryToken(row, bearer);
}

export type DirectoryAuthentication = { directory: ScimDirectory | null; exists: boolean };

/** authenticateDirectory's verdict on a directory row already read (undefined: no such directory). */
export function checkDirectoryToken(row: ScimDirectory | undefined, bearer: string): DirectoryAuthentication {
  if (!row) return { directory: null, exists: false };
  const valid = bearer.startsWith(SCIM_TOKEN_PREFIX) && bearer.length <= 100 && safeEqual(row.tokenHash, sha256Hex(bearer));
  return { directory: valid ? row : null, exists: true };
}

export type ScimRequestLogEntry = {
  method: string;
  path: string;
  status: number;
  error: string | null;
  durationMs: number;
  requestId: string | null;
};

type PendingLog = {
  entries: (ScimRequestLogEntry & { directoryId: string; createdAt: Date })[];
  timer: NodeJS.Timeout | null;
  flushing: Promise<void>;
};
// On globalThis: Next bundles this module more than once (the production server's SCIM handler is
// published from instrumentation, the settings pages read the log from theirs), and a flush must
// see every queued entry.
const shared = globalThis as unknown as { __gatehouseScimLog?: PendingLog };
const pending = (shared.__gatehouseScimLog ??= { entries: [], timer: null, flushing: Promise.resolve() });

/**
 * Queues an entry for a directory's request log. Entries are written in one multi-row insert a
 * quarter of a second later (or at 100 entries), so a request pays no database round trip for
 * its log line; a crash loses at most that quarter second of log, never provisioning data.
 */
export function logScimRequest(directoryId: string, entry: ScimRequestLogEntry): void {
  pending.entries.push({
    directoryId,
    ...entry,
    method: printable(entry.method.slice(0, 20)),
    // A path's segments arrive decoded: a NUL goes back to the %00 the client sent.
    path: printable(entry.path.replaceAll('\0', '%00').slice(0, 500)),
    error: entry.error === null ? null : printable(entry.error.slice(0, 500)),
    requestId: entry.requestId === null ? null : printable(entry.requestId),
    createdAt: new Date(),
  });
  if (pending.entries.length >= 100) void flushScimRequestLog();
  else pending.timer ??= setTimeout(() => void flushScimRequestLog(), 250).unref();
}

type PendingEntry = PendingLog['entries'][number];

function insertLogEntries(entries: PendingEntry[]) {
  return getDb().insert(scimRequests).values(entries).returning({ id: scimRequests.id, directoryId: scimRequests.directoryId });
}

/**
 * Writes queued log entries and trims each directory's log to the newest SCIM_REQUEST_LOG_SIZE.
 * When the batch's one insert fails for anything but a lost database (an entry whose directory was
 * deleted meanwhile, text the database refuses), each entry is inserted on its own, so one bad
 * entry costs only itself.
 */
export function flushScimRequestLog(): Promise<void> {
  if (pending.timer) clearTimeout(pending.timer);
  pending.timer = null;
  const batch = pending.entries.splice(0);
  pending.flushing = pending.flushing.then(async () => {
    if (batch.length === 0) return;
    let rows: { id: number; directoryId: string }[] = [];
    try {
      rows = await insertLogEntries(batch);
    } catch (e) {
      if (isDatabaseUnavailable(e) || batch.length === 1) {
        console.error(`[gatehouse] could not write ${batch.length} SCIM request log entries:`, e);
        return;
      }
      for (const entry of batch) {
        try {
          rows.push(...(await insertLogEntries([entry])));
        } catch (one) {
          console.error(`[gatehouse] could not write a SCIM request log entry (${entry.method} ${entry.path}): ${(one as Error).message}`);
          if (isDatabaseUnavailable(one)) return;
        }
      }
    }
    try {
      // Trim about once per 50 entries (or after a large batch), so trimming costs little and the log stays near its size.
      for (const directoryId of new Set(rows.filter((r) => r.id % 50 === 0 || rows.length >= 50).map((r) => r.directoryId))) {
        await getDb().execute(sql`
          delete from scim_requests where directory_id = ${directoryId} and id < (
            select id from scim_requests where directory_id = ${directoryId} order by id desc offset ${SCIM_REQUEST_LOG_SIZE - 1} limit 1)`);
      }
    } catch (e) {
      console.error('[gatehouse] could not trim the SCIM request log:', e);
    }
  });
  return pending.flushing;
}

export async function listScimRequests(directoryId: string, limit = SCIM_REQUEST_LOG_SIZE, db: DbOrTx = getDb()) {
  await flushScimRequestLog();
  return db.select().from(scimRequests).where(eq(scimRequests.directoryId, directoryId)).orderBy(desc(scimRequests.id)).limit(limit);
}
