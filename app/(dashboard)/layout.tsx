import Link from 'next/link';
import type { ReactNode } from 'react';
import { DashboardNav } from '@/components/dashboard/nav';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { signOutAction } from './actions';

// Display only: every page checks the session itself; a layout is not a gate.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const viewer = await requireViewer();
  const { org, user } = viewer;
  const groupAdmin = viewer.snapshot.groups.some((g) => g.isGroupAdmin);
  const hidden = [
    allowed(viewer, 'manage', { kind: 'org', area: 'users' }) ? null : '/users',
    allowed(viewer, 'manage', { kind: 'org', area: 'groups' }) || groupAdmin ? null : '/groups',
    allowed(viewer, 'view', { kind: 'org', area: 'audit_log' }) ? null : '/audit',
    allowed(viewer, 'view', { kind: 'org', area: 'query_library' }) ? null : '/query-library',
    allowed(viewer, 'manage', { kind: 'org', area: 'settings' }) ? null : '/settings',
  ].filter((h): h is string => h !== null);
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
  return (
    // Below md (phones) the sidebar becomes a header above the page: nav items wrap, content keeps the full width.
    <div className="flex min-h-full flex-col md:flex-row">
      <aside className="flex w-full shrink-0 flex-col border-b border-slate-200 bg-white px-3 py-3 md:w-60 md:border-r md:border-b-0 md:py-5">
        <div className="px-3">
          <div className="flex items-center gap-2 text-sm font-semibold">
            <span aria-hidden className="inline-block h-5 w-5 rounded bg-brand-600" />
            Gatehouse
          </div>
          <p className="mt-2 truncate text-sm font-medium text-slate-900 md:mt-3" data-testid="org-name">
            {org.name}
          </p>
          <p className="truncate font-mono text-xs text-slate-500">{org.slug}</p>
        </div>
        <div className="mt-3 md:mt-6 md:flex-1">
          <DashboardNav hidden={hidden} />
        </div>
        <div className="mt-2 flex flex-wrap items-center gap-x-4 border-t border-slate-200 px-3 pt-2 md:mt-0 md:block md:pt-4">
          <Link href="/account" className="block truncate text-sm font-medium text-slate-900 hover:underline" data-testid="current-user">
            {name}
          </Link>
          <p className="truncate text-xs text-slate-500">{user.email}</p>
          <form action={signOutAction} className="md:mt-3">
            <button type="submit" className="text-sm font-medium text-slate-600 hover:text-slate-900">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-10 md:py-8">{children}</main>
    </div>
  );
}
