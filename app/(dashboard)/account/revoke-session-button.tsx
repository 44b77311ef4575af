'use client';

import { useFormAction } from '@/components/form/use-form-action';
import { Button } from '@/components/ui/button';
import { revokeSessionAction } from './actions';

export function RevokeSessionButton({ sessionId }: { sessionId: string }) {
  const { onSubmit, pending, state } = useFormAction(revokeSessionAction);
  return (
    <form onSubmit={onSubmit} className="flex items-center justify-end gap-3">
      <input type="hidden" name="sessionId" value={sessionId} />
      {state && !state.ok ? <span role="alert" className="text-xs text-red-700">{state.message}</span> : null}
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? 'Revoking…' : 'Revoke'}
      </Button>
    </form>
  );
}
