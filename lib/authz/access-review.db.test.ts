import { describe, expect, it } from 'vitest';
import { addUsersToGroup, createGroup, setGrant } from '@/lib/groups/writes';
import { createFolder, createObject } from '@/lib/objects/writes';
import { runMutation } from '@/lib/server/mutation';
import { asUser, makeOrg, makeUser, rejection } from '@/lib/test/helpers';
import { csvField } from '@/lib/csv';
import { accessReviewFor } from './access-review';

describe('access review', () => {
  it('lists who can reach each object and through which group; admins only', async () => {
    const org = await makeOrg('review');
    const admin = asUser(org.orgId, org.adminId);
    const ann = await makeUser(org.orgId, { label: 'ann' });
    const team = await runMutation(admin, (ctx) => createGroup(ctx, { name: 'Team' }));
    await runMutation(admin, (ctx) => addUsersToGroup(ctx, { groupId: team.id, userIds: [ann.id] }));
    const folder = await runMutation(admin, (ctx) => createFolder(ctx, { kind: 'app', name: 'Ops' }));
    await runMutation(admin, (ctx) => createObject(ctx, { kind: 'app', name: 'Orders', folderId: folder.id }));
    await runMutation(admin, (ctx) =>
      setGrant(ctx, { groupId: team.id, objectKind: 'app', scope: 'folder', targetId: folder.id, level: 'edit' }),
    );

    const rows = [];
    for await (const row of await accessReviewFor(org.orgId, org.adminId)) rows.push(row);
    expect(rows).toEqual(
      expect.arrayContaining([
        { kind: 'app', object: 'Orders', folder: 'Ops', email: ann.email, level: 'edit', via: 'Team' },
        { kind: 'app', object: 'Orders', folder: 'Ops', email: org.email, level: 'own', via: 'Admin' },
      ]),
    );
    expect(rows).toHaveLength(2);
    expect(await rejection(accessReviewFor(org.orgId, ann.id))).toMatchObject({ code: 'forbidden' });
  });

  it('quotes CSV fields and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });
});
