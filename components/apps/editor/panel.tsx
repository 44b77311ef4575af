import type { ReactNode } from 'react';

/** The editor's text areas: code-sized, full width. */
export const codeArea =
  'w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 font-mono text-xs shadow-sm outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-100';

/** One of the editor's panels: a section named by its heading, with actions beside the heading. */
export function Panel({
  title,
  actions,
  children,
  labelledBy,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  labelledBy: string;
}) {
  return (
    <section aria-labelledby={labelledBy} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id={labelledBy} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
