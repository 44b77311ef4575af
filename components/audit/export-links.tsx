'use client';

import { useRef, useState, useSyncExternalStore, type MouseEvent } from 'react';
import { Button } from '@/components/ui/button';

type Format = 'csv' | 'ndjson';
type State =
  | { kind: 'idle' }
  | { kind: 'running'; format: Format; rows: number; bytes: number }
  | { kind: 'done'; rows: number; bytes: number }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

const LF = 0x0a;
const number = new Intl.NumberFormat('en');
const rows = (n: number) => `${number.format(n)} ${n === 1 ? 'row' : 'rows'}`;

function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (const byte of chunk) if (byte === LF) n++;
  return n;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Data rows in what has arrived: every line is one event, after the CSV header. */
const rowsOf = (format: Format, lines: number) => (format === 'csv' ? Math.max(lines - 1, 0) : lines);

function filenameOf(res: Response, format: Format): string {
  return /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `audit.${format}`;
}

function save(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  // The download holds its own reference once started; the URL only has to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function errorOf(res: Response): Promise<string> {
  const body: unknown = await res.json().catch(() => null);
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : `Export failed (${res.status}).`;
}

const noSubscription = () => () => {};

/**
 * Export links for the current filter. They work as plain downloads; with JavaScript the file is
 * read as a stream instead, so a long export shows its progress and can be cancelled.
 */
export function ExportLinks({ query, expectedRows }: { query: string; expectedRows: number }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  // False in the server render and until hydration: until then the links are plain downloads.
  const streaming = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  const href = (format: Format) => `/api/internal/audit-export?format=${format}${query ? `&${query}` : ''}`;

  async function run(format: Format, e: MouseEvent<HTMLAnchorElement>) {
    e.preventDefault();
    if (abort.current) return;
    const controller = new AbortController();
    abort.current = controller;
    setState({ kind: 'running', format, rows: 0, bytes: 0 });
    try {
      const res = await fetch(href(format), { signal: controller.signal, cache: 'no-store' });
      if (!res.ok || !res.body) throw new Error(await errorOf(res));
      const reader = res.body.getReader();
      const chunks: Uint8Array<ArrayBuffer>[] = [];
      let lines = 0;
      let bytes = 0;
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        chunks.push(next.value);
        lines += countLines(next.value);
        bytes += next.value.byteLength;
        setState({ kind: 'running', format, rows: rowsOf(format, lines), bytes });
      }
      save(new Blob(chunks, { type: res.headers.get('content-type') ?? 'application/octet-stream' }), filenameOf(res, format));
      setState({ kind: 'done', rows: rowsOf(format, lines), bytes });
    } catch (err) {
      setState(
        controller.signal.aborted
          ? { kind: 'cancelled' }
          : { kind: 'failed', message: err instanceof Error ? err.message : 'Export failed.' },
      );
    } finally {
      abort.current = null;
    }
  }

  const link = 'font-medium text-brand-600 hover:underline';
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="export-links" data-streaming={streaming}>
      <p>
        Export this view:{' '}
        <a href={href('csv')} download onClick={(e) => void run('csv', e)} className={link}>
          CSV
        </a>{' '}
        ·{' '}
        <a href={href('ndjson')} download onClick={(e) => void run('ndjson', e)} className={link}>
          NDJSON
        </a>
      </p>
      {state.kind === 'running' ? (
        <>
          {expectedRows > 0 ? (
            <progress max={expectedRows} value={Math.min(state.rows, expectedRows)} aria-label="Export progress" className="w-32" />
          ) : null}
          <Button variant="secondary" className="px-2.5 py-1" onClick={() => abort.current?.abort()}>
            Cancel export
          </Button>
        </>
      ) : null}
      <span role="status" data-testid="export-status" className="text-slate-600">
        {state.kind === 'running'
          ? `${expectedRows > 0 ? `${number.format(state.rows)} of about ${rows(expectedRows)}` : rows(state.rows)} · ${size(state.bytes)} received`
          : null}
        {state.kind === 'done' ? `Saved ${rows(state.rows)} (${size(state.bytes)}).` : null}
        {state.kind === 'cancelled' ? 'Export cancelled.' : null}
        {state.kind === 'failed' ? <span className="text-red-700">{state.message}</span> : null}
      </span>
    </div>
  );
}
