// Runs one query of an app through the run endpoint, for the viewer and the editor's query panel.
// The server decides everything (which definition, which environment, whether the user may).
import { toText } from '@/lib/apps/expressions';
import type { CurrentUser } from '@/lib/apps/reads';

export type QueryOutcome = { data?: unknown; rowCount?: number | null; truncated?: boolean; error?: string; responseTimeMs?: number };

export type RunTarget = {
  appId: string;
  /** `released`: the newest release (viewers); `latest`: the saved draft (editors). */
  pageVersion: 'released' | 'latest';
  /** Another environment than the default (editors only; the server checks). */
  environmentId?: string;
  /** Changes when the definition the server holds changes (a release number, a draft save). */
  revision: string;
};

/** Runs one query of the app through the run endpoint; failures come back as `error`, never thrown. */
export async function runAppQuery(
  target: RunTarget,
  queryName: string,
  body: { pageName?: string; values?: Record<string, unknown>; current_user?: CurrentUser },
): Promise<QueryOutcome> {
  try {
    const res = await fetch(`/api/apps/${target.appId}/queries/${encodeURIComponent(queryName)}/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pageVersion: target.pageVersion,
        ...(target.environmentId ? { environmentId: target.environmentId } : {}),
        ...body,
      }),
    });
    const json = (await res.json().catch(() => ({}))) as {
      ok?: boolean;
      data?: unknown;
      rowCount?: number | null;
      truncated?: boolean;
      responseTimeMs?: number;
      error?: unknown;
    };
    if (!res.ok) {
      const err = json.error as { message?: string } | undefined;
      return { error: err?.message ?? `The server answered HTTP ${res.status}.` };
    }
    if (!json.ok) return { error: toText(json.error), responseTimeMs: json.responseTimeMs };
    return { data: json.data, rowCount: json.rowCount, truncated: json.truncated, responseTimeMs: json.responseTimeMs };
  } catch {
    return { error: 'Could not reach Gatehouse.' };
  }
}
