// A small Markdown subset for text components, parsed to a tree the viewer renders as React
// elements: never HTML, so a value that reaches the text cannot inject markup. Headings (#–###),
// paragraphs, bullet and numbered lists, fenced code, `code`, **bold**, *italic* and links to
// http(s), mailto or paths on this site. Anything else stays literal text.

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] };

export type Block =
  { t: 'h'; level: 1 | 2 | 3; c: Inline[] } | { t: 'p'; c: Inline[] } | { t: 'ul' | 'ol'; items: Inline[][] } | { t: 'pre'; v: string };

/** Links that may be followed: http(s), mailto, or a path on this site (not `//host`). */
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^(https?:\/\/|mailto:)/i.test(h)) return h;
  if (/^\/(?!\/)/.test(h)) return h;
  return null;
}

const INLINE = /`([^`]+)`|\*\*(.+?)\*\*|\*([^*\s][^*]*?)\*|_([^_\s][^_]*?)_|\[([^\]]+)\]\(([^)\s]+)\)/;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      out.push({ t: 'text', v: rest });
      break;
    }
    if (m.index > 0) out.push({ t: 'text', v: rest.slice(0, m.index) });
    if (m[1] !== undefined) out.push({ t: 'code', v: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'strong', c: parseInline(m[2]) });
    else if (m[3] !== undefined || m[4] !== undefined) out.push({ t: 'em', c: parseInline((m[3] ?? m[4])!) });
    else {
      const href = safeHref(m[6]!);
      if (href) out.push({ t: 'link', href, c: parseInline(m[5]!) });
      else out.push({ t: 'text', v: m[0] });
    }
    rest = rest.slice(m.index + m[0].length);
  }
  // Merge neighbouring text runs (an unsafe link leaves one behind).
  return out.reduce<Inline[]>((acc, n) => {
    const last = acc.at(-1);
    if (n.t === 'text' && last?.t === 'text') last.v += n.v;
    else acc.push(n);
    return acc;
  }, []);
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ t: 'p', c: parseInline(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^```/.test(line.trim())) {
      flush();
      const code: string[] = [];
      while (++i < lines.length && !/^```/.test(lines[i]!.trim())) code.push(lines[i]!);
      blocks.push({ t: 'pre', v: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ t: 'h', level: heading[1]!.length as 1 | 2 | 3, c: parseInline(heading[2]!.trim()) });
      continue;
    }
    const item = /^\s*(?:([-*])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const kind = item[1] ? 'ul' : 'ol';
      const last = blocks.at(-1);
      const content = parseInline(item[3]!);
      if (last && last.t === kind && lines[i - 1]?.trim() !== '') last.items.push(content);
      else blocks.push({ t: kind, items: [content] });
      continue;
    }
    if (line.trim() === '') flush();
    else para.push(line.trim());
  }
  flush();
  return blocks;
}
