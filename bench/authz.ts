// npm run bench:authz [-- --json] [--scale N]
// Seeds one organization with 5,000 users, 300 groups and 10,000 apps in 500 folders (apps and
// folders × N with --scale), on a fresh Postgres database (BENCH_DATABASE_URL or
// TEST_DATABASE_URL, default the local server), then measures for random users:
//   (a) loading the authorization snapshot, (b) one can() check, (c) the first page of apps they
//   may use — p50/p95 in milliseconds. The database is dropped afterwards.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { closeDb, getDb } from '@/db';
import { migrate } from '@/db/migrate';
import { folders, groupMembers, objects, organizations, permissionGrants, permissionGroups, users } from '@/db/schema';
import { can } from '@/lib/authz/can';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { listVisibleObjects } from '@/lib/objects/reads';
import { createTestDatabase, dropTestDatabase } from '../scripts/test-db.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const scale = Number(args[args.indexOf('--scale') + 1]) || 1;
const USERS = 5_000;
const GROUPS = 300;
const FOLDERS = 500 * scale;
const APPS = 10_000 * scale;
const SAMPLES = 300;

let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
const log = (...m: unknown[]) => {
  if (!json) console.log(...m);
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(3));
}

async function insertChunked<T extends Record<string, unknown>>(
  table: Parameters<ReturnType<typeof getDb>['insert']>[0],
  rows: T[],
  size = 2_000,
) {
  for (let i = 0; i < rows.length; i += size)
    await getDb()
      .insert(table)
      .values(rows.slice(i, i + size) as never);
}

async function seedOrg() {
  const db = getDb();
  const [org] = await db.insert(organizations).values({ name: 'Bench', slug: 'bench' }).returning({ id: organizations.id });
  const orgId = org!.id;
  const groupRows = await db
    .insert(permissionGroups)
    .values([
      { organizationId: orgId, name: 'Admin', builtin: 'admin' as const },
      { organizationId: orgId, name: 'All Users', builtin: 'all_users' as const },
      ...Array.from({ length: GROUPS }, (_, i) => ({ organizationId: orgId, name: `Group ${i}` })),
    ])
    .returning({ id: permissionGroups.id, builtin: permissionGroups.builtin });
  const custom = groupRows.filter((g) => !g.builtin).map((g) => g.id);
  const userIds = Array.from({ length: USERS }, () => crypto.randomUUID());
  await insertChunked(
    users,
    userIds.map((id, i) => ({ id, organizationId: orgId, email: `user${i}@bench.test`, firstName: `User${i}` })),
  );
  const memberships = new Map<string, { organizationId: string; groupId: string; userId: string }>();
  for (const userId of userIds)
    for (let k = 0; k < 1 + Math.floor(rand() * 5); k++) {
      const groupId = pick(custom);
      memberships.set(`${groupId}:${userId}`, { organizationId: orgId, groupId, userId });
    }
  await insertChunked(groupMembers, [...memberships.values()]);
  const folderIds = Array.from({ length: FOLDERS }, () => crypto.randomUUID());
  await insertChunked(
    folders,
    folderIds.map((id, i) => ({ id, organizationId: orgId, objectKind: 'app' as const, name: `Folder ${i}` })),
  );
  const appIds = Array.from({ length: APPS }, () => crypto.randomUUID());
  await insertChunked(
    objects,
    appIds.map((id, i) => ({
      id,
      organizationId: orgId,
      kind: 'app' as const,
      name: `App ${String(i).padStart(6, '0')}`,
      folderId: rand() < 0.9 ? pick(folderIds) : null,
    })),
  );
  const grants = new Map<string, Record<string, unknown>>();
  const levels = ['use', 'edit', 'own'] as const;
  for (const groupId of custom) {
    for (let k = 0; k < 5; k++) {
      const targetId = pick(folderIds);
      grants.set(`${groupId}:f:${targetId}`, {
        organizationId: orgId,
        groupId,
        objectKind: 'app',
        scope: 'folder',
        targetId,
        level: pick([...levels]),
      });
    }
    for (let k = 0; k < 10; k++) {
      const targetId = pick(appIds);
      grants.set(`${groupId}:o:${targetId}`, {
        organizationId: orgId,
        groupId,
        objectKind: 'app',
        scope: 'object',
        targetId,
        level: pick([...levels]),
      });
    }
  }
  await insertChunked(permissionGrants, [...grants.values()]);
  await db.execute(sql`analyze`);
  return { orgId, userIds, appIds, folderIds, memberships: memberships.size, grants: grants.size };
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createTestDatabase(serverUrl, 'bench');
  process.env.DATABASE_URL = database.url;
  try {
    await migrate();
    const t0 = performance.now();
    const world = await seedOrg();
    log(
      `Seeded 1 organization: ${USERS} users, ${GROUPS} groups, ${world.memberships} memberships, ${FOLDERS} folders, ${APPS} apps, ${world.grants} grants in ${((performance.now() - t0) / 1000).toFixed(1)} s.`,
    );

    const snapshotMs: number[] = [];
    const pageMs: number[] = [];
    const combinedMs: number[] = [];
    const checkMs: number[] = [];
    for (let i = 0; i < SAMPLES + 20; i++) {
      const userId = pick(world.userIds);
      const a = performance.now();
      const snapshot = await loadSnapshot(world.orgId, userId, getDb());
      const b = performance.now();
      await listVisibleObjects(snapshot, 'app', { limit: 50 });
      const c = performance.now();
      const checks = 1_000;
      const targets = Array.from({ length: checks }, () => ({
        kind: 'app' as const,
        id: pick(world.appIds),
        folderId: pick(world.folderIds),
      }));
      const d = performance.now();
      for (const t of targets) can(snapshot, 'edit', t);
      const e = performance.now();
      if (i < 20) continue; // warm-up
      snapshotMs.push(b - a);
      pageMs.push(c - b);
      combinedMs.push(c - a);
      checkMs.push((e - d) / checks);
    }
    const result = {
      benchmark: 'authz',
      database: 'postgres',
      scale,
      users: USERS,
      groups: GROUPS,
      folders: FOLDERS,
      apps: APPS,
      grants: world.grants,
      samples: SAMPLES,
      snapshotP50Ms: percentile(snapshotMs, 50),
      snapshotP95Ms: percentile(snapshotMs, 95),
      checkP50Ms: percentile(checkMs, 50),
      checkP95Ms: percentile(checkMs, 95),
      firstPageP50Ms: percentile(pageMs, 50),
      firstPageP95Ms: percentile(pageMs, 95),
      snapshotPlusFirstPageP95Ms: percentile(combinedMs, 95),
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(`(a) snapshot load      p50 ${result.snapshotP50Ms} ms   p95 ${result.snapshotP95Ms} ms`);
      console.log(`(b) one can() check    p50 ${result.checkP50Ms} ms   p95 ${result.checkP95Ms} ms`);
      console.log(`(c) first page of apps p50 ${result.firstPageP50Ms} ms   p95 ${result.firstPageP95Ms} ms`);
      console.log(`snapshot + first page  p95 ${result.snapshotPlusFirstPageP95Ms} ms (target < 30 ms)`);
    }
  } finally {
    await closeDb();
    await dropTestDatabase(serverUrl, database.name);
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
