'use client';

import type { ReactNode } from 'react';
import { ActionForm } from '@/components/form/action-form';
import { updateConfigVariableAction } from './actions';

/** One variable's description and values; after saving, typed secrets are cleared from the form. */
export function UpdateVariableForm({ children }: { children: ReactNode }) {
  return (
    <ActionForm
      action={updateConfigVariableAction}
      submitLabel="Save values"
      resetOnSuccess
      className="max-w-2xl space-y-2"
      success={(r) => <span className="ml-3 text-sm text-green-700">Saved ({r.changed.join(', ')}).</span>}
    >
      {children}
    </ActionForm>
  );
}
