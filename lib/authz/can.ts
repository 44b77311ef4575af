// can(snapshot, action, target): every authorization decision in Gatehouse. Pure — no IO — so
// pages, actions, routes and the CLI ask the same question and get the same answer, with the
// group and grant that decided it.
import {
  FOLDER_ACTIONS,
  OBJECT_ACTIONS,
  OBJECT_KINDS,
  atLeast,
  type FolderAction,
  type Level,
  type ObjectAction,
  type ObjectKind,
  type QueryLibraryAccess,
} from './levels';

export type GrantScope = 'object' | 'folder' | 'kind';

export type SnapshotGrant = {
  id: string;
  groupId: string;
  objectKind: ObjectKind;
  scope: GrantScope;
  /** The object or folder id; null for a kind-wide grant ("all apps"). */
  targetId: string | null;
  level: Level;
  /** Counts only for decisions about this environment ("Edit on staging only"); null: all of them. */
  environmentId: string | null;
};

export type SnapshotGroup = {
  id: string;
  name: string;
  builtin: 'admin' | 'all_users' | null;
  queryLibrary: QueryLibraryAccess;
  auditLog: boolean;
  /** The user manages this group's membership (and nothing else). */
  isGroupAdmin: boolean;
};

/** What one user may do in one organization, loaded once per request. */
export type Snapshot = { orgId: string; userId: string; groups: SnapshotGroup[]; grants: SnapshotGrant[] };

export type OrgArea = 'settings' | 'users' | 'groups' | 'audit_log' | 'query_library';

export type Target =
  /** `environmentId`: the decision is about the object in that environment (its config, a run there). */
  | { kind: ObjectKind; id: string; folderId: string | null; environmentId?: string }
  | { kind: 'folder'; objectKind: ObjectKind; id: string }
  | { kind: 'all'; objectKind: ObjectKind }
  | { kind: 'org'; area: OrgArea }
  | { kind: 'group'; id: string };

export type ActionFor<T extends Target> = T extends { kind: infer K extends ObjectKind }
  ? ObjectAction<K>
  : T extends { kind: 'folder' }
    ? FolderAction
    : T extends { kind: 'all' }
      ? 'create' | 'create_folder'
      : T extends { kind: 'org'; area: 'query_library' }
        ? 'view' | 'edit'
        : T extends { kind: 'org' }
          ? 'view' | 'manage'
          : 'manage_members';

type GroupRef = { id: string; name: string };

export type Because =
  | { kind: 'admin'; group: GroupRef }
  | { kind: 'grant'; group: GroupRef; grant: Omit<SnapshotGrant, 'groupId'> }
  | { kind: 'group_setting'; group: GroupRef; setting: 'audit_log' | 'query_library' | 'group_admin' }
  | { kind: 'operator' }
  | { kind: 'denied'; reason: string };

export type Decision = { allowed: boolean; level: Level | null; because: Because };

const SPECIFICITY: Record<GrantScope, number> = { object: 3, folder: 2, kind: 1 };

function ref(g: SnapshotGroup): GroupRef {
  return { id: g.id, name: g.name };
}

export function adminGroup(s: Snapshot): SnapshotGroup | undefined {
  return s.groups.find((g) => g.builtin === 'admin');
}

/**
 * The highest level any of the user's groups grants on an object (or folder), and the grant that
 * gives it: object grants, grants on its folder, and kind-wide grants all count. A grant limited
 * to an environment counts only when `match` names that environment.
 */
export function effectiveLevel(
  s: Snapshot,
  objectKind: ObjectKind,
  match: { id?: string; folderId?: string | null; environmentId?: string },
): { level: Level | null; because: Because } {
  const admin = adminGroup(s);
  if (admin) return { level: 'own', because: { kind: 'admin', group: ref(admin) } };
  let best: { grant: SnapshotGrant; group: SnapshotGroup } | null = null;
  for (const grant of s.grants) {
    if (grant.objectKind !== objectKind) continue;
    if (grant.environmentId !== null && grant.environmentId !== match.environmentId) continue;
    const applies =
      grant.scope === 'kind' ||
      (grant.scope === 'folder' && match.folderId != null && grant.targetId === match.folderId) ||
      (grant.scope === 'object' && match.id != null && grant.targetId === match.id);
    if (!applies) continue;
    const group = s.groups.find((g) => g.id === grant.groupId);
    if (!group) continue;
    if (
      !best ||
      !atLeast(best.grant.level, grant.level) ||
      (best.grant.level === grant.level && SPECIFICITY[grant.scope] > SPECIFICITY[best.grant.scope])
    ) {
      best = { grant, group };
    }
  }
  if (!best) return { level: null, because: { kind: 'denied', reason: `No group you are in has access to this ${objectKind}.` } };
  const { groupId: _g, ...grant } = best.grant;
  return { level: best.grant.level, because: { kind: 'grant', group: ref(best.group), grant } };
}

function decide(level: Level | null, required: Level, because: Because, what: string): Decision {
  if (atLeast(level, required)) return { allowed: true, level, because };
  const reason =
    level === null
      ? because.kind === 'denied'
        ? because.reason
        : `You have no access to this ${what}.`
      : `This needs ${required} access to the ${what}; you have ${level}.`;
  return { allowed: false, level, because: { kind: 'denied', reason } };
}

function adminOnly(s: Snapshot, what: string): Decision {
  const admin = adminGroup(s);
  if (admin) return { allowed: true, level: 'own', because: { kind: 'admin', group: ref(admin) } };
  return { allowed: false, level: null, because: { kind: 'denied', reason: `Only admins can manage ${what}.` } };
}

export function can<T extends Target>(s: Snapshot, action: ActionFor<T>, target: T): Decision;
export function can(s: Snapshot, action: string, target: Target): Decision {
  switch (target.kind) {
    case 'app':
    case 'resource':
    case 'workflow': {
      const required = (OBJECT_ACTIONS[target.kind] as Record<string, Level>)[action];
      if (!required) throw new Error(`Unknown action ${action} on ${target.kind}`);
      const { level, because } = effectiveLevel(s, target.kind, target);
      return decide(level, required, because, target.kind);
    }
    case 'folder': {
      const required = (FOLDER_ACTIONS as Record<string, Level>)[action];
      if (!required) throw new Error(`Unknown action ${action} on folder`);
      const { level, because } = effectiveLevel(s, target.objectKind, { folderId: target.id });
      return decide(level, required, because, 'folder');
    }
    case 'all': {
      const required: Level = action === 'create' ? 'edit' : 'own';
      const { level, because } = effectiveLevel(s, target.objectKind, {});
      return decide(level, required, because, `${target.objectKind}s of this organization`);
    }
    case 'org':
      return orgDecision(s, action, target.area);
    case 'group': {
      const admin = adminGroup(s);
      if (admin) return { allowed: true, level: 'own', because: { kind: 'admin', group: ref(admin) } };
      const managed = s.groups.find((g) => g.id === target.id && g.isGroupAdmin);
      if (managed) return { allowed: true, level: 'edit', because: { kind: 'group_setting', group: ref(managed), setting: 'group_admin' } };
      return {
        allowed: false,
        level: null,
        because: { kind: 'denied', reason: 'Only admins and this group’s group admins can change its members.' },
      };
    }
  }
}

function orgDecision(s: Snapshot, action: string, area: OrgArea): Decision {
  const admin = adminGroup(s);
  if (admin) return { allowed: true, level: 'own', because: { kind: 'admin', group: ref(admin) } };
  if (area === 'audit_log' && action === 'view') {
    const g = s.groups.find((x) => x.auditLog);
    if (g) return { allowed: true, level: 'use', because: { kind: 'group_setting', group: ref(g), setting: 'audit_log' } };
    return { allowed: false, level: null, because: { kind: 'denied', reason: 'None of your groups may view the audit log.' } };
  }
  if (area === 'query_library') {
    const wanted: QueryLibraryAccess = action === 'edit' ? 'edit' : 'view';
    const g = s.groups.find((x) => x.queryLibrary === 'edit' || (wanted === 'view' && x.queryLibrary === 'view'));
    if (g)
      return {
        allowed: true,
        level: g.queryLibrary === 'edit' ? 'edit' : 'use',
        because: { kind: 'group_setting', group: ref(g), setting: 'query_library' },
      };
    return { allowed: false, level: null, because: { kind: 'denied', reason: `None of your groups may ${wanted} the query library.` } };
  }
  return adminOnly(s, area === 'users' ? 'users' : area === 'groups' ? 'permission groups' : 'settings');
}

/** True when the user may edit at least one app (they land on the dashboard, not a workspace). */
export function canEditAnyApp(s: Snapshot): boolean {
  return adminGroup(s) !== undefined || s.grants.some((g) => g.objectKind === 'app' && atLeast(g.level, 'edit'));
}

export { OBJECT_KINDS };
