/** Recovery codes, shown once after they are created. */
export function RecoveryCodesList({ codes }: { codes: string[] }) {
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
    </div>
  );
}
