// Renders lib/apps/markdown's tree as React elements (never HTML strings).
import type { ReactNode } from 'react';
import { parseMarkdown, type Inline } from '@/lib/apps/markdown';

function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return n.v;
      case 'code':
        return (
          <code key={i} className="rounded bg-slate-100 px-1 font-mono text-[0.85em]">
            {n.v}
          </code>
        );
      case 'strong':
        return <strong key={i}>{inline(n.c)}</strong>;
      case 'em':
        return <em key={i}>{inline(n.c)}</em>;
      case 'link':
        return (
          <a
            key={i}
            href={n.href}
            className="font-medium text-brand-700 hover:underline"
            rel="noopener noreferrer"
            target={n.href.startsWith('/') ? undefined : '_blank'}
          >
            {inline(n.c)}
          </a>
        );
    }
  });
}

export function Markdown({ source }: { source: string }) {
  return (
    <div className="space-y-2 text-sm text-slate-800">
      {parseMarkdown(source).map((b, i) => {
        switch (b.t) {
          case 'h':
            return b.level === 1 ? (
              <h2 key={i} className="text-xl font-semibold">
                {inline(b.c)}
              </h2>
            ) : b.level === 2 ? (
              <h3 key={i} className="text-lg font-semibold">
                {inline(b.c)}
              </h3>
            ) : (
              <h4 key={i} className="font-semibold">
                {inline(b.c)}
              </h4>
            );
          case 'p':
            return <p key={i}>{inline(b.c)}</p>;
          case 'ul':
          case 'ol': {
            const List = b.t;
            return (
              <List key={i} className={`pl-5 ${b.t === 'ul' ? 'list-disc' : 'list-decimal'}`}>
                {b.items.map((item, j) => (
                  <li key={j}>{inline(item)}</li>
                ))}
              </List>
            );
          }
          case 'pre':
            return (
              <pre key={i} className="overflow-x-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
                {b.v}
              </pre>
            );
        }
      })}
    </div>
  );
}
