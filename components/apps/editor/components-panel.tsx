'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Badge, Select } from '@/components/ui/fields';
import { useHydrated } from '@/components/ui/use-hydrated';
import { COMPONENT_LABELS, COMPONENT_TYPES, type ComponentType } from '@/lib/apps/editing';
import { ComponentProperties } from './component-properties';
import { Panel } from './panel';
import type { AppEditorModel } from './use-app-editor';

/** The page picker, the page's components in order (select, move, remove), adding one, and the selected one's properties. */
export function ComponentsPanel({ editor }: { editor: AppEditorModel }) {
  const hydrated = useHydrated();
  const [addType, setAddType] = useState<ComponentType>('text');
  const { draft, page, pageIndex, component, queryNames, problemAt, dispatch } = editor;
  const selected = editor.state.selectedComponent;
  return (
    <Panel
      title="Components"
      labelledBy="components-heading"
      actions={
        draft ? (
          <div className="flex items-center gap-2">
            <Select
              aria-label="Page"
              value={String(pageIndex)}
              onChange={(e) => dispatch({ type: 'selectPage', index: Number(e.target.value) })}
            >
              {draft.pages.map((p, i) => (
                <option key={i} value={i}>
                  {String(p.name)}
                </option>
              ))}
            </Select>
            <Button variant="secondary" className="px-2 py-1 text-xs" disabled={!hydrated} onClick={() => dispatch({ type: 'addPage' })}>
              Add page
            </Button>
          </div>
        ) : null
      }
    >
      {!draft || !page ? (
        <p className="text-sm text-slate-600">Fix the JSON below (it needs pages with components) to use the component list.</p>
      ) : (
        <>
          <ol aria-label="Components of this page" className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {page.components.length === 0 ? <li className="px-3 py-2 text-sm text-slate-500">No components yet.</li> : null}
            {page.components.map((c, i) => {
              const name = String(c.name ?? `#${i + 1}`);
              return (
                <li key={i} className={`flex items-center gap-2 px-3 py-1.5 text-sm ${selected === i ? 'bg-brand-50' : ''}`}>
                  <button
                    type="button"
                    className="flex-1 text-left font-medium hover:underline"
                    aria-pressed={selected === i}
                    onClick={() => dispatch({ type: 'selectComponent', index: i })}
                  >
                    {name}
                  </button>
                  <Badge>{COMPONENT_LABELS[c.type as ComponentType] ?? String(c.type)}</Badge>
                  <Button
                    variant="secondary"
                    className="px-2 py-0.5 text-xs"
                    aria-label={`Move ${name} up`}
                    disabled={i === 0}
                    onClick={() => dispatch({ type: 'moveComponent', from: i, to: i - 1 })}
                  >
                    ↑
                  </Button>
                  <Button
                    variant="secondary"
                    className="px-2 py-0.5 text-xs"
                    aria-label={`Move ${name} down`}
                    disabled={i === page.components.length - 1}
                    onClick={() => dispatch({ type: 'moveComponent', from: i, to: i + 1 })}
                  >
                    ↓
                  </Button>
                  <Button
                    variant="danger"
                    className="px-2 py-0.5 text-xs"
                    aria-label={`Remove ${name}`}
                    onClick={() => dispatch({ type: 'removeComponent', index: i })}
                  >
                    Remove
                  </Button>
                </li>
              );
            })}
          </ol>
          <div className="mt-3 flex items-center gap-2">
            <Select aria-label="Component type" value={addType} onChange={(e) => setAddType(e.target.value as ComponentType)}>
              {COMPONENT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {COMPONENT_LABELS[t]}
                </option>
              ))}
            </Select>
            <Button variant="secondary" disabled={!hydrated} onClick={() => dispatch({ type: 'addComponent', componentType: addType })}>
              Add component
            </Button>
          </div>
          {component ? (
            <ComponentProperties
              key={`${pageIndex}:${selected}`}
              component={component}
              at={`pages[${pageIndex}].components[${selected}]`}
              queryNames={queryNames}
              problemAt={problemAt}
              set={(key, value) => dispatch({ type: 'setComponentProp', key, value })}
            />
          ) : null}
        </>
      )}
    </Panel>
  );
}
