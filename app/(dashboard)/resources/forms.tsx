'use client';

import { ActionForm } from '@/components/form/action-form';
import { testResourceConnectionAction } from './actions';

export function TestConnectionForm({
  objectId,
  environmentId,
  environmentName,
}: {
  objectId: string;
  environmentId: string;
  environmentName: string;
}) {
  return (
    <ActionForm
      action={testResourceConnectionAction}
      submitLabel={`Test ${environmentName} connection`}
      variant="secondary"
      className="flex flex-wrap items-center gap-2"
      success={(r) => (
        <span role="status" className={`text-sm ${r.ok ? 'text-green-700' : 'text-red-700'}`}>
          {r.ok ? 'Connected: ' : 'Failed: '}
          {r.message}
        </span>
      )}
    >
      <input type="hidden" name="objectId" value={objectId} />
      <input type="hidden" name="environmentId" value={environmentId} />
    </ActionForm>
  );
}
