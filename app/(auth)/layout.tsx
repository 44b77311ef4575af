import type { ReactNode } from 'react';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-full flex-col items-center justify-center px-4 py-12">
      <div className="mb-8 flex items-center gap-2 text-lg font-semibold text-slate-900">
        <span aria-hidden className="inline-block h-6 w-6 rounded-md bg-brand-600" />
        Gatehouse
      </div>
      <div className="w-full max-w-md">{children}</div>
    </main>
  );
}
