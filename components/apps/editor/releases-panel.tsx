import type { EditorRelease } from './state';
import { Panel } from './panel';

/** The app's releases, newest first (a release made here is added without a reload). */
export function ReleasesPanel({ releases }: { releases: EditorRelease[] }) {
  return (
    <Panel title="Releases" labelledBy="releases-heading">
      {releases.length === 0 ? (
        <p className="text-sm text-slate-600">Not released yet: users of the app see nothing until the first release.</p>
      ) : (
        <ul className="space-y-1 text-sm" data-testid="releases">
          {releases.map((r) => (
            <li key={r.version}>
              <span className="font-medium">Version {r.version}</span>{' '}
              <span className="text-slate-500">
                {new Date(r.releasedAt).toLocaleString()}
                {r.releasedBy ? ` by ${r.releasedBy}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
