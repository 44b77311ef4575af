// `gatehouse app export` and `gatehouse app import` as an operator runs them: separate processes on
// this file's database. An app exported from one organization to a file imports into another that
// has a resource of the same name and runs there; an organization without it gets every missing
// name listed, exit 1, and no app.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '@/db';
import { objects } from '@/db/schema';
import { runAppQuery } from '@/lib/apps/run-query';
import { releaseApp, saveAppDraft } from '@/lib/apps/writes';
import { createObject } from '@/lib/objects/writes';
import { createSampleResource } from '@/lib/resources/configs';
import { closeAllPools } from '@/lib/resources/pools';
import { runMutation } from '@/lib/server/mutation';
import { cliForTests } from '@/lib/test/cli';
import { asUser, auditRows, makeOrg } from '@/lib/test/helpers';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-apps-'));

// CLI processes open this file's database (lib/test/cli.ts).
const gatehouse = await cliForTests(work);

afterAll(async () => {
  await closeAllPools();
  await closeDb();
  fs.rmSync(work, { recursive: true, force: true });
});

// Each CLI process is a few seconds of CPU; on a busy two-core machine, ten or more of wall time.
const SLOW = { timeout: 180_000 };

describe('gatehouse app export and import', () => {
  it(
    'moves an app to another organization through a file; an organization without its resource gets them listed and no app',
    SLOW,
    async () => {
      const a = await makeOrg('cliappa');
      const admin = asUser(a.orgId, a.adminId);
      const sample = await runMutation(admin, (ctx) => createSampleResource(ctx, { name: 'Sample database' }));
      const app = await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Order board', folderId: null }));
      const definition = {
        pages: [{ name: 'main', components: [{ type: 'table', name: 'ordersTable', query: 'orders' }] }],
        queries: [{ type: 'sql', name: 'orders', resourceId: sample.id, sql: 'select {{ current_user.email }}::text as email' }],
      };
      await runMutation(admin, (ctx) => saveAppDraft(ctx, { appId: app.id, definition }));
      await runMutation(admin, (ctx) => releaseApp(ctx, { appId: app.id }));
      const b = await makeOrg('cliappb');
      const sampleB = await runMutation(asUser(b.orgId, b.adminId), (ctx) => createSampleResource(ctx, { name: 'sample database' }));
      const c = await makeOrg('cliappc');

      const file = path.join(work, 'order-board.json');
      const exported = await gatehouse('app', 'export', 'order BOARD', '--org', a.slug, '--releases', '--out', file);
      expect(exported, exported.stderr).toMatchObject({
        code: 0,
        stdout: `Exported Order board to ${file} with 1 release(s); it needs these resources by name: Sample database.`,
      });
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(doc).toMatchObject({ format: 'gatehouse.app', version: 1, resources: [{ name: 'Sample database', type: 'sql' }] });
      expect(JSON.stringify(doc)).not.toContain(sample.id);

      const imported = await gatehouse('app', 'import', file, '--org', b.slug, '--release', '--json');
      expect(imported.code, imported.stderr).toBe(0);
      const result = JSON.parse(imported.stdout);
      expect(result).toMatchObject({
        name: 'Order board',
        created: true,
        releasedVersion: 1,
        resources: [{ name: 'sample database', resourceId: sampleB.id }],
      });
      expect(await runAppQuery(asUser(b.orgId, b.adminId), result.appId, 'orders', {})).toMatchObject({
        ok: true,
        data: [{ email: b.email }],
      });
      expect((await auditRows(b.orgId)).filter((r) => r.actionType === 'IMPORT_APP')).toEqual([
        expect.objectContaining({ metadata: expect.objectContaining({ actor: 'cli', objectId: result.appId, releasedVersion: 1 }) }),
      ]);
      expect((await auditRows(a.orgId)).filter((r) => r.actionType === 'EXPORT_APP')).toEqual([
        expect.objectContaining({ metadata: expect.objectContaining({ actor: 'cli', objectId: app.id, releases: 1 }) }),
      ]);

      const refused = await gatehouse('app', 'import', file, '--org', c.slug);
      expect(refused).toMatchObject({
        code: 1,
        stderr: 'error: resources[0]: No resource named "Sample database" that you may use in this organization. Used by orders.',
      });
      expect(await getDb().select().from(objects).where(eq(objects.organizationId, c.orgId))).toEqual([]);
    },
  );
});
