import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-600">There is nothing here, or you do not have access to it.</p>
      <Link href="/" className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline">
        Go to Gatehouse
      </Link>
    </main>
  );
}
