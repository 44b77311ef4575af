'use client';
import type { Problem } from '@/lib/apps/editing';
import { codeArea, Panel } from './panel';

/** The definition as JSON, the editor's one source of truth, with its problems listed by path beside it. */
export function DefinitionPanel({ text, problems, onChange }: { text: string; problems: Problem[]; onChange: (text: string) => void }) {
  return (
    <Panel title="Definition (JSON)" labelledBy="definition-heading">
      <div className="grid gap-3 2xl:grid-cols-[1fr_16rem]">
        <textarea
          aria-label="App definition (JSON)"
          aria-invalid={problems.length > 0}
          aria-describedby="definition-problems"
          className={codeArea}
          rows={24}
          spellCheck={false}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
        <div id="definition-problems">
          {problems.length === 0 ? (
            <p className="text-sm text-green-800" data-testid="definition-valid">
              The definition is valid.
            </p>
          ) : (
            <div role="alert" aria-label="Definition problems">
              <p className="text-sm font-medium text-red-800">{problems.length === 1 ? '1 problem' : `${problems.length} problems`}</p>
              <ul className="mt-1 space-y-1 text-xs text-red-700" data-testid="definition-problems">
                {problems.map((p, i) => (
                  <li key={i}>
                    <code className="font-semibold">{p.path}</code>: {p.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </div>
    </Panel>
  );
}
