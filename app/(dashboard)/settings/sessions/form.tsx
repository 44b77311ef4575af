'use client';

import { ActionForm } from '@/components/form/action-form';
import { Input } from '@/components/ui/fields';
import { updateSessionLimitsAction } from './actions';

/** A client component: its success renderer is a function, which a server page cannot pass down. */
/** `idle` and `absolute` as durations (8h, 24h). */
export function SessionLimitsForm({ idle, absolute }: { idle: string; absolute: string }) {
  return (
    <ActionForm
      action={updateSessionLimitsAction}
      submitLabel="Save"
      className="grid max-w-xl gap-3 text-sm sm:grid-cols-[12rem_1fr] sm:items-center"
      success={() => (
        <span role="status" className="text-green-700">
          Saved. Every session follows the new limits from its next request.
        </span>
      )}
    >
      <label htmlFor="s-idle">Idle limit</label>
      <Input id="s-idle" name="idleMinutes" defaultValue={idle} aria-describedby="s-hint" className="w-32" />
      <label htmlFor="s-absolute">Absolute limit</label>
      <Input id="s-absolute" name="absoluteMinutes" defaultValue={absolute} aria-describedby="s-hint" className="w-32" />
      <span className="hidden sm:block" />
      <p id="s-hint" className="text-xs text-slate-500">
        Durations like 30m, 8h or 14d. Idle: 5 minutes to 30 days without a request. Absolute: up to 90 days after sign-in, and at least the
        idle limit.
      </p>
      <span className="hidden sm:block" />
    </ActionForm>
  );
}
