import { describe, expect, it } from 'vitest';
import { can, canEditAnyApp, effectiveLevel, type Snapshot, type SnapshotGrant, type SnapshotGroup } from './can';
import { FOLDER_ACTIONS, LEVELS, OBJECT_ACTIONS, OBJECT_KINDS, atLeast, type FolderAction, type Level, type ObjectKind } from './levels';

const group = (id: string, extra: Partial<SnapshotGroup> = {}): SnapshotGroup => ({
  id,
  name: id.toUpperCase(),
  builtin: null,
  queryLibrary: 'none',
  auditLog: false,
  isGroupAdmin: false,
  ...extra,
});
const allUsers = group('everyone', { builtin: 'all_users', name: 'All Users' });
const snapshot = (groups: SnapshotGroup[], grants: SnapshotGrant[] = []): Snapshot => ({
  orgId: 'org',
  userId: 'u1',
  groups: [allUsers, ...groups],
  grants,
});
let n = 0;
const grant = (
  groupId: string,
  objectKind: ObjectKind,
  scope: SnapshotGrant['scope'],
  targetId: string | null,
  level: Level,
  environmentId: string | null = null,
): SnapshotGrant => ({
  id: `grant-${++n}`,
  groupId,
  objectKind,
  scope,
  targetId,
  level,
  environmentId,
});

const obj = <K extends ObjectKind>(kind: K, folderId: string | null = 'f1') => ({ kind, id: `${kind}-1`, folderId });

describe('can() — every level × action × kind, through each kind of grant', () => {
  const rows: [ObjectKind, string, Level | null, SnapshotGrant['scope']][] = [];
  for (const kind of OBJECT_KINDS)
    for (const action of Object.keys(OBJECT_ACTIONS[kind]))
      for (const level of [null, ...LEVELS])
        for (const scope of ['object', 'folder', 'kind'] as const) rows.push([kind, action, level, scope]);

  it.each(rows)('%s.%s with %s via a %s grant', (kind, action, level, scope) => {
    const targetId = scope === 'object' ? `${kind}-1` : scope === 'folder' ? 'f1' : null;
    const s = snapshot([group('g')], level ? [grant('g', kind, scope, targetId, level)] : []);
    const required = (OBJECT_ACTIONS[kind] as Record<string, Level>)[action]!;
    const d = can(s, action as never, obj(kind));
    expect(d.allowed).toBe(atLeast(level, required));
    expect(d.level).toBe(level);
    if (d.allowed) expect(d.because).toMatchObject({ kind: 'grant', group: { id: 'g', name: 'G' }, grant: { scope, level } });
    else expect(d.because.kind).toBe('denied');
  });

  it.each(Object.entries(FOLDER_ACTIONS).flatMap(([action, required]) => LEVELS.map((level) => [action, required, level] as const)))(
    'folder.%s (needs %s) with a folder grant of %s',
    (action, required, level) => {
      const s = snapshot([group('g')], [grant('g', 'app', 'folder', 'f1', level)]);
      expect(can(s, action as FolderAction, { kind: 'folder', objectKind: 'app', id: 'f1' }).allowed).toBe(atLeast(level, required));
    },
  );
});

describe('can() — rules', () => {
  it('denies by default, with a reason', () => {
    const d = can(snapshot([]), 'view', obj('app'));
    expect(d).toEqual({ allowed: false, level: null, because: { kind: 'denied', reason: 'No group you are in has access to this app.' } });
  });

  it('gives the Admin group own on everything and every organization area', () => {
    const s = snapshot([group('admins', { builtin: 'admin', name: 'Admin' })]);
    for (const kind of OBJECT_KINDS)
      expect(can(s, 'delete' as never, obj(kind))).toMatchObject({
        allowed: true,
        level: 'own',
        because: { kind: 'admin', group: { name: 'Admin' } },
      });
    for (const area of ['settings', 'users', 'groups', 'audit_log'] as const)
      expect(can(s, area === 'audit_log' ? 'view' : 'manage', { kind: 'org', area }).allowed).toBe(true);
    expect(can(s, 'edit', { kind: 'org', area: 'query_library' }).allowed).toBe(true);
    expect(canEditAnyApp(s)).toBe(true);
  });

  it('lets All Users grants apply to everyone', () => {
    const s = snapshot([], [grant('everyone', 'app', 'object', 'app-1', 'use')]);
    expect(can(s, 'run', obj('app'))).toMatchObject({ allowed: true, because: { group: { name: 'All Users' } } });
  });

  it('inherits folder grants only for items in that folder', () => {
    const s = snapshot([group('g')], [grant('g', 'app', 'folder', 'f1', 'edit')]);
    expect(can(s, 'edit', obj('app', 'f1')).allowed).toBe(true);
    expect(can(s, 'view', obj('app', 'f2')).allowed).toBe(false);
    expect(can(s, 'view', obj('app', null)).allowed).toBe(false);
  });

  it('does not leak grants across kinds', () => {
    const s = snapshot([group('g')], [grant('g', 'app', 'kind', null, 'own')]);
    expect(can(s, 'view', obj('resource')).allowed).toBe(false);
    expect(can(s, 'view', obj('workflow')).allowed).toBe(false);
  });

  it('takes the highest level over all groups and names the grant that gave it', () => {
    const viewers = grant('viewers', 'app', 'kind', null, 'use');
    const editors = grant('editors', 'app', 'folder', 'f1', 'edit');
    const owners = grant('owners', 'app', 'object', 'app-1', 'own');
    const s = snapshot([group('viewers'), group('editors'), group('owners')], [viewers, editors, owners]);
    const d = can(s, 'delete', obj('app'));
    expect(d).toMatchObject({
      allowed: true,
      level: 'own',
      because: { kind: 'grant', group: { id: 'owners' }, grant: { id: owners.id, scope: 'object' } },
    });
    expect(effectiveLevel(s, 'app', { id: 'app-2', folderId: 'f1' })).toMatchObject({
      level: 'edit',
      because: { group: { id: 'editors' } },
    });
    expect(effectiveLevel(s, 'app', { id: 'app-3', folderId: null })).toMatchObject({
      level: 'use',
      because: { group: { id: 'viewers' } },
    });
  });

  it('explains the most specific grant when two give the same level', () => {
    const broad = grant('a', 'resource', 'kind', null, 'edit');
    const narrow = grant('b', 'resource', 'object', 'resource-1', 'edit');
    const d = can(snapshot([group('a'), group('b')], [broad, narrow]), 'view_config', obj('resource'));
    expect(d.because).toMatchObject({ kind: 'grant', grant: { id: narrow.id } });
  });

  it('explains a denial caused by too low a level', () => {
    const d = can(snapshot([group('g')], [grant('g', 'app', 'object', 'app-1', 'use')]), 'edit', obj('app'));
    expect(d).toEqual({
      allowed: false,
      level: 'use',
      because: { kind: 'denied', reason: 'This needs edit access to the app; you have use.' },
    });
  });

  it('needs edit kind-wide to create, own kind-wide to create folders', () => {
    const editors = snapshot([group('g')], [grant('g', 'app', 'kind', null, 'edit')]);
    expect(can(editors, 'create', { kind: 'all', objectKind: 'app' }).allowed).toBe(true);
    expect(can(editors, 'create_folder', { kind: 'all', objectKind: 'app' }).allowed).toBe(false);
    expect(
      can(snapshot([group('g')], [grant('g', 'app', 'object', 'x', 'own')]), 'create', { kind: 'all', objectKind: 'app' }).allowed,
    ).toBe(false);
  });

  it('keeps settings, users and groups for admins only', () => {
    const s = snapshot(
      [group('g', { auditLog: true, queryLibrary: 'edit', isGroupAdmin: true })],
      [grant('g', 'app', 'kind', null, 'own')],
    );
    for (const area of ['settings', 'users', 'groups'] as const) {
      expect(can(s, 'manage', { kind: 'org', area })).toMatchObject({ allowed: false, because: { kind: 'denied' } });
    }
  });

  it('grants audit-log and query-library access through group settings', () => {
    const auditors = snapshot([group('aud', { auditLog: true })]);
    expect(can(auditors, 'view', { kind: 'org', area: 'audit_log' })).toMatchObject({
      allowed: true,
      because: { kind: 'group_setting', setting: 'audit_log' },
    });
    expect(can(snapshot([]), 'view', { kind: 'org', area: 'audit_log' }).allowed).toBe(false);

    const viewers = snapshot([group('q', { queryLibrary: 'view' })]);
    expect(can(viewers, 'view', { kind: 'org', area: 'query_library' }).allowed).toBe(true);
    expect(can(viewers, 'edit', { kind: 'org', area: 'query_library' }).allowed).toBe(false);
    const editors = snapshot([group('q', { queryLibrary: 'view' }), group('q2', { queryLibrary: 'edit' })]);
    expect(can(editors, 'edit', { kind: 'org', area: 'query_library' })).toMatchObject({ allowed: true, because: { group: { id: 'q2' } } });
  });

  it('lets group admins manage only their own group’s members', () => {
    const s = snapshot([group('mine', { isGroupAdmin: true }), group('other')]);
    expect(can(s, 'manage_members', { kind: 'group', id: 'mine' })).toMatchObject({ allowed: true, because: { setting: 'group_admin' } });
    expect(can(s, 'manage_members', { kind: 'group', id: 'other' }).allowed).toBe(false);
  });

  it('routes users without Edit on any app to a workspace', () => {
    expect(canEditAnyApp(snapshot([group('g')], [grant('g', 'app', 'kind', null, 'use')]))).toBe(false);
    expect(canEditAnyApp(snapshot([group('g')], [grant('g', 'app', 'folder', 'f', 'edit')]))).toBe(true);
    expect(canEditAnyApp(snapshot([group('g')], [grant('g', 'resource', 'kind', null, 'own')]))).toBe(false);
  });
});

describe('can() — grants limited to one environment', () => {
  const s = snapshot(
    [group('ops')],
    [grant('ops', 'resource', 'kind', null, 'use'), grant('ops', 'resource', 'object', 'resource-1', 'own', 'staging')],
  );
  const resource = { kind: 'resource' as const, id: 'resource-1', folderId: null };

  it('count only for decisions about that environment', () => {
    expect(can(s, 'edit_config', { ...resource, environmentId: 'staging' })).toMatchObject({
      allowed: true,
      level: 'own',
      because: { kind: 'grant', grant: { environmentId: 'staging' } },
    });
    expect(can(s, 'edit_config', { ...resource, environmentId: 'production' })).toMatchObject({ allowed: false, level: 'use' });
    expect(can(s, 'edit_config', resource)).toMatchObject({ allowed: false, level: 'use' });
    expect(can(s, 'use', resource)).toMatchObject({
      allowed: true,
      because: { kind: 'grant', grant: { scope: 'kind', environmentId: null } },
    });
  });

  it('give nothing by themselves outside their environment (deny by default)', () => {
    const only = snapshot([group('ops')], [grant('ops', 'resource', 'kind', null, 'edit', 'staging')]);
    expect(can(only, 'view', resource).allowed).toBe(false);
    expect(can(only, 'view_config', { ...resource, environmentId: 'staging' }).allowed).toBe(true);
    expect(effectiveLevel(only, 'resource', { id: 'resource-1', environmentId: 'qa' }).level).toBeNull();
  });
});
