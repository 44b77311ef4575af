import { AUDIT_BUCKETS } from '@/lib/audit/filter';
import { OTHER_SERIES, type AuditChart } from '@/lib/audit/reads';

// Literal class names, so Tailwind sees them; the last colour is for "Other".
const PALETTE = [
  { fill: 'fill-blue-600', swatch: 'bg-blue-600' },
  { fill: 'fill-emerald-600', swatch: 'bg-emerald-600' },
  { fill: 'fill-amber-500', swatch: 'bg-amber-500' },
  { fill: 'fill-violet-600', swatch: 'bg-violet-600' },
  { fill: 'fill-rose-600', swatch: 'bg-rose-600' },
  { fill: 'fill-cyan-600', swatch: 'bg-cyan-600' },
  { fill: 'fill-slate-400', swatch: 'bg-slate-400' },
];
const colour = (i: number, series: string[]) => PALETTE[i === series.length - 1 && series[i] === OTHER_SERIES ? 6 : i % 6]!;

const W = 720;
const H = 200;
const PAD = { left: 40, right: 8, top: 8, bottom: 24 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;
const r = (n: number) => Math.round(n * 10) / 10;

const dayFmt = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const timeFmt = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

const seriesTotals = (chart: AuditChart) =>
  chart.series.map((name, i) => [name, chart.bars.reduce((n, b) => n + b.counts[i]!, 0)] as const);

function describe(chart: AuditChart, total: number, label: (d: Date) => string): string {
  const first = chart.bars[0]!;
  const last = chart.bars.at(-1)!;
  const top = seriesTotals(chart)
    .slice(0, 3)
    .map(([name, n]) => `${name} (${n})`)
    .join(', ');
  return `${total} events from ${label(first.start)} to ${label(last.start)} UTC, one bar per ${chart.bucket.replace(/^1 /, '')}. Most frequent: ${top}.`;
}

/** Events over time, stacked by action type: server-rendered SVG with a text summary and a legend. */
export function EventsChart({ chart }: { chart: AuditChart }) {
  const total = chart.bars.reduce((n, b) => n + b.total, 0);
  if (total === 0) return <p className="text-sm text-slate-600">No events in this range.</p>;
  const label = (d: Date) => (AUDIT_BUCKETS[chart.bucket] >= AUDIT_BUCKETS['1 day'] ? dayFmt : timeFmt).format(d);
  const max = Math.max(...chart.bars.map((b) => b.total));
  const slot = r(PLOT_W / chart.bars.length);
  const y = (n: number) => r((n / max) * PLOT_H);
  // First, middle and last bar (fewer when there are fewer bars).
  const ticks = [0, Math.floor((chart.bars.length - 1) / 2), chart.bars.length - 1].filter((t, i, all) => all.indexOf(t) === i);
  return (
    <figure className="space-y-3">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby="audit-chart-title audit-chart-desc"
        className="h-auto w-full"
        data-testid="audit-chart"
      >
        <title id="audit-chart-title">Audit events over time by action type</title>
        <desc id="audit-chart-desc">{describe(chart, total, label)}</desc>
        <g className="fill-slate-500 text-[10px]">
          <text x={PAD.left - 6} y={PAD.top + 8} textAnchor="end">
            {max}
          </text>
          <text x={PAD.left - 6} y={PAD.top + PLOT_H} textAnchor="end">
            0
          </text>
          {ticks.map((t, i) => (
            <text
              key={t}
              x={r(PAD.left + slot * t + (i === 0 ? 0 : i === ticks.length - 1 ? slot : slot / 2))}
              y={H - 6}
              textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
            >
              {label(chart.bars[t]!.start)}
            </text>
          ))}
        </g>
        <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + PLOT_H} y2={PAD.top + PLOT_H} className="stroke-slate-300" />
        {chart.bars.map((bar, i) => {
          let top = PAD.top + PLOT_H;
          const width = r(Math.max(slot * 0.8, 1));
          const parts = chart.series.map((name, s) => ({ name, s, n: bar.counts[s]! })).filter((p) => p.n > 0);
          return (
            <g key={bar.start.getTime()}>
              <title>{`${label(bar.start)} UTC: ${bar.total} events${parts.length ? ` — ${parts.map((p) => `${p.name} ${p.n}`).join(', ')}` : ''}`}</title>
              <rect x={r(PAD.left + slot * i)} y={PAD.top} width={slot} height={PLOT_H} className="fill-transparent" />
              {parts.map((p) => {
                const h = y(p.n);
                top -= h;
                return (
                  <rect
                    key={p.name}
                    x={r(PAD.left + slot * i + (slot - width) / 2)}
                    y={r(top)}
                    width={width}
                    height={h}
                    className={colour(p.s, chart.series).fill}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-label="Legend">
          {seriesTotals(chart).map(([name, n], i) => (
            <li key={name} className="flex items-center gap-1.5">
              <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-sm ${colour(i, chart.series).swatch}`} />
              <span className="font-mono">{name}</span>
              <span className="text-slate-500">{n}</span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
