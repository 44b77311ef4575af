'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { ActionForm } from '@/components/form/action-form';
import { CopyOnce } from '@/components/ui/copy-once';
import { Input } from '@/components/ui/fields';
import { createDirectoryAction, deleteDirectoryAction, rotateDirectoryTokenAction } from './actions';

export function CreateDirectoryForm() {
  return (
    <ActionForm
      action={createDirectoryAction}
      submitLabel="Create directory"
      resetOnSuccess
      className="flex flex-wrap items-center gap-2"
      success={(d) => (
        <div className="w-full space-y-2">
          <CopyOnce label="SCIM base URL" value={d.baseUrl} testId="new-directory-url">
            Base URL (the SCIM connector base URL in Okta, the Tenant URL in Entra ID):
          </CopyOnce>
          <CopyOnce label="SCIM token" value={d.token} testId="new-directory-token">
            Bearer token. Copy it into your identity provider now; it will not be shown again.
          </CopyOnce>
        </div>
      )}
    >
      <Input name="name" placeholder="e.g. Okta" aria-label="Directory name" className="w-64" />
    </ActionForm>
  );
}

export function RotateTokenForm({ directoryId }: { directoryId: string }) {
  return (
    <ActionForm
      action={rotateDirectoryTokenAction}
      submitLabel="Rotate token"
      variant="secondary"
      confirm="The current token stops working immediately. Rotate?"
      className="flex flex-wrap items-center gap-2"
      success={(d) => (
        <CopyOnce label="New SCIM token" value={d.token} testId="rotated-token">
          New token. The old one no longer works; update your identity provider now.
        </CopyOnce>
      )}
    >
      <input type="hidden" name="directoryId" value={directoryId} />
    </ActionForm>
  );
}

/** After deleting, the detail page has nothing to show: go back to the list. */
export function DeleteDirectoryForm({ directoryId }: { directoryId: string }) {
  const router = useRouter();
  return (
    <ActionForm
      action={deleteDirectoryAction}
      submitLabel="Delete directory"
      variant="danger"
      confirm="Delete this directory? Its token stops working; its users and groups stay, no longer managed by it."
      className="flex items-center gap-2"
      success={() => <Redirect to="/settings/scim" router={router} />}
    >
      <input type="hidden" name="directoryId" value={directoryId} />
    </ActionForm>
  );
}

function Redirect({ to, router }: { to: string; router: ReturnType<typeof useRouter> }) {
  useEffect(() => router.push(to), [to, router]);
  return null;
}
