'use client';

import type { ReactNode } from 'react';

/** A secret or link shown once, in a read-only box that selects itself for copying. */
export function CopyOnce({ label, value, testId, children }: { label: string; value: string; testId: string; children: ReactNode }) {
  return (
    <div className="w-full rounded-md border border-green-200 bg-green-50 p-3 text-sm" data-testid={testId}>
      <div className="font-medium text-green-900">{children}</div>
      <input
        readOnly
        value={value}
        aria-label={label}
        className="mt-2 w-full rounded border border-green-300 bg-white px-2 py-1 font-mono text-xs"
        onFocus={(e) => e.currentTarget.select()}
      />
    </div>
  );
}
