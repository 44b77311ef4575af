import type { PendingEnrollment } from '@/lib/auth/two-factor';

/** The QR code and manual key of an authenticator being set up (rendered on the server). */
export function EnrollmentSetup({ enrollment }: { enrollment: PendingEnrollment }) {
  return (
    <div className="mb-4 flex flex-col items-center gap-3 text-sm">
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL rendered on the server */}
      <img
        src={enrollment.qrDataUrl}
        alt="QR code to scan with your authenticator app"
        width={200}
        height={200}
        className="rounded border border-slate-200"
      />
      <p className="text-slate-600">Can’t scan it? Enter this key in your app instead:</p>
      <code data-testid="totp-manual-key" className="rounded bg-slate-100 px-2 py-1 font-mono text-sm tracking-wider">
        {enrollment.manualKey}
      </code>
    </div>
  );
}
