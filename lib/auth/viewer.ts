// requireViewer(): the session plus the user's authorization snapshot, once per request.
import 'server-only';
import { cache } from 'react';
import { getDb } from '@/db';
import { can, type ActionFor, type Snapshot, type Target } from '@/lib/authz/can';
import { loadSnapshot } from '@/lib/authz/snapshot';
import { requireSession, type SessionCtx } from './session';

export type Viewer = SessionCtx & { snapshot: Snapshot };

export const requireViewer = cache(async (): Promise<Viewer> => {
  const session = await requireSession();
  return { ...session, snapshot: await loadSnapshot(session.orgId, session.userId, getDb()) };
});

/** For pages: whether the viewer may do something (to show or hide it; mutations check again). */
export function allowed<T extends Target>(viewer: Viewer, action: ActionFor<T>, target: T): boolean {
  return can(viewer.snapshot, action, target).allowed;
}
