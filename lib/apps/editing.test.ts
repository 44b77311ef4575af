import { describe, expect, it } from 'vitest';
import { appDefinitionSchema } from './definition';
import {
  asDraft,
  checkDefinitionText,
  COMPONENT_TYPES,
  moveItem,
  newComponent,
  newQuery,
  textToFields,
  textToOptions,
  uniqueName,
} from './editing';

const resourceId = '00000000-0000-4000-8000-000000000001';

describe('app editor helpers', () => {
  it('reports problems by path, as the server does', () => {
    const text = JSON.stringify({
      pages: [
        {
          name: 'main',
          components: [
            { type: 'text', name: 'a', value: 'hi' },
            { type: 'text', name: 'b', value: 'x' },
            { type: 'table', name: 't', query: 'orders' },
          ],
        },
      ],
      queries: [],
    });
    expect(checkDefinitionText(text).problems).toEqual([
      { path: 'pages[0].components[2].query', message: 'There is no query named "orders".' },
    ]);
    expect(checkDefinitionText('{"pages": [').problems[0]).toMatchObject({
      path: 'definition',
      message: expect.stringContaining('Not valid JSON'),
    });
    expect(checkDefinitionText(JSON.stringify({ pages: [] })).problems).toEqual([
      { path: 'pages', message: 'An app needs at least one page.' },
    ]);
    expect(
      checkDefinitionText(
        '{"pages": [{"name": "main", "components": [{"type": "text", "name": "a", "value": "x\\u0000"}]}], "queries": []}',
      ).problems,
    ).toEqual([
      {
        path: 'pages[0].components[0].value',
        message: 'This text contains a NUL character or a broken (unpaired surrogate) character, which cannot be stored.',
      },
    ]);
  });

  it('starts every component type and both query types valid', () => {
    for (const type of COMPONENT_TYPES) {
      const def = {
        pages: [{ name: 'main', components: [newComponent(type, `${type}1`, 'q1')] }],
        queries: [newQuery('sql', 'q1', resourceId)],
      };
      expect(appDefinitionSchema.safeParse(def).success, type).toBe(true);
    }
    const rest = { pages: [{ name: 'main', components: [] }], queries: [newQuery('rest', 'r1', resourceId)] };
    expect(appDefinitionSchema.safeParse(rest).success).toBe(true);
  });

  it('names, moves and parses list text', () => {
    expect(uniqueName('table', new Set(['table1', 'table2']))).toBe('table3');
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b'], 1, 2)).toEqual(['a', 'b']);
    expect(textToOptions('Open=open\nDone')).toEqual([
      { label: 'Open', value: 'open' },
      { label: 'Done', value: 'Done' },
    ]);
    expect(textToFields('qty, Quantity, number\nnote')).toEqual([
      { name: 'qty', label: 'Quantity', input: 'number' },
      { name: 'note', label: '', input: 'text' },
    ]);
    expect(asDraft({ pages: [{ name: 'main', components: [1] }] })).toBeNull();
    expect(asDraft({ pages: [{ name: 'main', components: [] }] })).toEqual({ pages: [{ name: 'main', components: [] }], queries: [] });
  });
});
