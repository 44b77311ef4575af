'use client';

import { useQuery } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { auditKeys } from '@/lib/query-keys';

type Report = { ok: true; events: number } | { ok: false; reason: string; brokenAt: { seq: number } };

/** "Verify integrity": walks the hash chain on the server and says whether it holds. */
export function VerifyChain() {
  const { data, error, isFetching, refetch } = useQuery({
    queryKey: auditKeys.verify(),
    enabled: false,
    retry: false,
    queryFn: async (): Promise<Report> => {
      const res = await fetch('/api/internal/audit-verify', { cache: 'no-store' });
      const body = await res.json();
      if (!res.ok) throw new Error(body?.error?.message ?? 'Verification failed.');
      return body;
    },
  });
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <Button variant="secondary" onClick={() => void refetch()} disabled={isFetching}>
        {isFetching ? 'Verifying…' : 'Verify integrity'}
      </Button>
      <span role="status" data-testid="verify-result">
        {error ? <span className="text-red-700">{error.message}</span> : null}
        {data?.ok ? <span className="text-green-800">Intact: all {data.events} events are linked and unchanged.</span> : null}
        {data && !data.ok ? (
          <span className="font-medium text-red-700">
            Broken at event {data.brokenAt.seq}: {data.reason}
          </span>
        ) : null}
      </span>
    </div>
  );
}
