'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';

/** Recovery codes, shown once after they are created, with a copy and a download to keep them. */
export function RecoveryCodesList({ codes }: { codes: string[] }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const text = `Gatehouse recovery codes. Each works once.\n\n${codes.join('\n')}\n`;
  return (
    <div className="w-full rounded-md border border-green-200 bg-green-50 p-3 text-sm">
      <p className="font-medium text-green-900">
        Save these recovery codes somewhere safe. Each works once if you lose your authenticator; they will not be shown again.
      </p>
      <ul data-testid="recovery-codes" className="mt-2 grid grid-cols-2 gap-1 font-mono text-sm">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <Button
          type="button"
          variant="secondary"
          onClick={() =>
            navigator.clipboard.writeText(text).then(
              () => setCopied('yes'),
              () => setCopied('no'),
            )
          }
        >
          Copy codes
        </Button>
        <a
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="gatehouse-recovery-codes.txt"
          className="font-medium text-brand-700 hover:underline"
        >
          Download as a text file
        </a>
        <span role="status" className="text-green-900">
          {copied === 'yes'
            ? 'Copied.'
            : copied === 'no'
              ? 'This browser did not allow copying: download them or select them instead.'
              : ''}
        </span>
      </div>
    </div>
  );
}
