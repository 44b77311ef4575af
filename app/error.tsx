'use client';

// Never shows error.message: server errors may carry details the browser must not see.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600">The page could not be shown.{error.digest ? ` Reference: ${error.digest}.` : ''}</p>
      <button onClick={reset} className="mt-6 rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white">
        Try again
      </button>
    </main>
  );
}
