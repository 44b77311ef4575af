/**
 * An environment's colour as a dot. The colour is an SVG fill, not a style attribute: the pages'
 * Content-Security-Policy refuses inline styles (decision 0037).
 */
export function ColorDot({ color, className = 'h-2.5 w-2.5' }: { color: string; className?: string }) {
  return (
    <svg viewBox="0 0 10 10" className={`inline-block shrink-0 ${className}`} aria-hidden>
      <circle cx="5" cy="5" r="5" fill={color} />
    </svg>
  );
}
