import Link from 'next/link';
import { ActionForm } from '@/components/form/action-form';
import { Card } from '@/components/ui/card';
import { Input, LevelBadge, PageHeader, Select, Table, Td, Th } from '@/components/ui/fields';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { explain } from '@/lib/authz/explain';
import type { ObjectKind } from '@/lib/authz/levels';
import { KIND_LABEL } from '@/lib/objects/lookup';
import { listFolders, listVisibleObjects } from '@/lib/objects/reads';
import { createSampleResourceAction } from '../resources/actions';
import { createFolderAction, createObjectAction, deleteFolderAction, renameFolderAction } from './actions';

const INTRO: Record<ObjectKind, string> = {
  app: 'Apps people use. Use: see and run · Edit: change and release · Own: move, share and delete.',
  resource:
    'Connections apps query. Use: run queries from apps · Edit: see config and create queries · Own: change credentials and delete.',
  workflow: 'Automations. Use: run · Edit: build · Own: move, share and delete.',
};

/** The list page for one kind: folders, the items the viewer may use, and create forms where allowed. */
export async function ObjectsPage({ kind, searchParams }: { kind: ObjectKind; searchParams: Promise<{ q?: string; after?: string }> }) {
  const viewer = await requireViewer();
  const { q, after } = await searchParams;
  const [afterName, afterId] = after?.split('|') ?? [];
  const label = KIND_LABEL[kind];
  const [folders, page] = await Promise.all([
    listFolders(viewer.snapshot, kind),
    listVisibleObjects(viewer.snapshot, kind, {
      q: q?.slice(0, 200),
      limit: 100,
      cursor: afterName && afterId ? { name: afterName, id: afterId } : undefined,
    }),
  ]);
  const canTop = allowed(viewer, 'create', { kind: 'all', objectKind: kind });
  const creatable = folders.filter((f) => allowed(viewer, 'create_item', { kind: 'folder', objectKind: kind, id: f.id }));
  const title = label.many[0]!.toUpperCase() + label.many.slice(1);

  return (
    <div className="space-y-6">
      <PageHeader title={title} description={INTRO[kind]} />
      {canTop || creatable.length ? (
        <Card title={`New ${label.one}`}>
          <ActionForm
            action={createObjectAction}
            submitLabel={`Create ${label.one}`}
            resetOnSuccess
            className="flex flex-wrap items-center gap-2"
          >
            <input type="hidden" name="kind" value={kind} />
            <Input name="name" placeholder="Name" aria-label={`New ${label.one} name`} required />
            <Select name="folderId" aria-label="Folder" defaultValue={canTop ? '' : creatable[0]!.id}>
              {canTop ? <option value="">No folder</option> : null}
              {creatable.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </Select>
          </ActionForm>
          {kind === 'resource' && canTop ? (
            <ActionForm
              action={createSampleResourceAction}
              submitLabel="Add the sample database"
              variant="secondary"
              className="mt-3 flex flex-wrap items-center gap-2"
            >
              <input type="hidden" name="name" value="Sample database" />
              <span className="text-sm text-slate-600">
                A small shop (customers and orders) in every environment, usable without credentials.
              </span>
            </ActionForm>
          ) : null}
        </Card>
      ) : null}

      {folders.length || allowed(viewer, 'create_folder', { kind: 'all', objectKind: kind }) ? (
        <Card title="Folders" description="Access granted on a folder applies to everything in it.">
          {allowed(viewer, 'create_folder', { kind: 'all', objectKind: kind }) ? (
            <ActionForm action={createFolderAction} submitLabel="Create folder" resetOnSuccess className="mb-4 flex items-center gap-2">
              <input type="hidden" name="kind" value={kind} />
              <Input name="name" placeholder="Folder name" aria-label="New folder name" required />
            </ActionForm>
          ) : null}
          <ul className="divide-y divide-slate-100 text-sm" data-testid="folders">
            {folders.map((f) => {
              const own = allowed(viewer, 'rename', { kind: 'folder', objectKind: kind, id: f.id });
              return (
                <li key={f.id} className="flex flex-wrap items-center justify-between gap-3 py-2" data-folder={f.name}>
                  <span>
                    <span className="font-medium">{f.name}</span>{' '}
                    <span className="text-xs text-slate-500">
                      {f.items} {f.items === 1 ? label.one : label.many}
                    </span>{' '}
                    <LevelBadge level={f.level} />
                  </span>
                  {own ? (
                    <span className="flex items-center gap-2">
                      <ActionForm action={renameFolderAction} submitLabel="Rename" variant="secondary" className="flex items-center gap-2">
                        <input type="hidden" name="kind" value={kind} />
                        <input type="hidden" name="folderId" value={f.id} />
                        <Input name="name" defaultValue={f.name} aria-label={`Rename folder ${f.name}`} className="w-40" />
                      </ActionForm>
                      <ActionForm action={deleteFolderAction} submitLabel="Delete" variant="danger" className="flex items-center gap-2">
                        <input type="hidden" name="kind" value={kind} />
                        <input type="hidden" name="folderId" value={f.id} />
                      </ActionForm>
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </Card>
      ) : null}

      <form className="flex items-center gap-2" role="search">
        <Input name="q" defaultValue={q} placeholder={`Search ${label.many}`} aria-label={`Search ${label.many}`} />
        <button className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm">Search</button>
      </form>
      {page.items.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-600" data-testid="empty">
            {q ? `No ${label.many} match “${q}”.` : `There are no ${label.many} you can use yet.`}
          </p>
        </Card>
      ) : (
        <Table testId="objects">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Folder</Th>
              <Th>Your access</Th>
              <Th>Why</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.items.map((o) => (
              <tr key={o.id} data-name={o.name}>
                <Td>
                  <Link href={`/${label.many}/${o.id}`} className="font-medium text-brand-700 hover:underline">
                    {o.name}
                  </Link>
                </Td>
                <Td className="text-slate-600">{o.folderName ?? '—'}</Td>
                <Td>
                  <LevelBadge level={o.level} />
                </Td>
                <Td className="text-slate-600">{explain(o.because)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {page.next ? (
        <Link
          href={`?${new URLSearchParams({ ...(q ? { q } : {}), after: `${page.next.name}|${page.next.id}` })}`}
          className="text-sm font-medium text-brand-600 hover:underline"
        >
          Next page →
        </Link>
      ) : null}
    </div>
  );
}
