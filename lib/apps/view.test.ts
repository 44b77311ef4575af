import { describe, expect, it } from 'vitest';
import type { AppDefinition } from './definition';
import type { CurrentUser } from './reads';
import { appViewFor, queryAccess } from './view';

const user = (groups: string[]): CurrentUser => ({
  id: 'u1',
  email: 'sam@example.test',
  firstName: 'Sam',
  lastName: 'Lee',
  fullName: 'Sam Lee',
  groups,
  metadata: {},
});
const support = user(['Support']);
const admin = user(['Admin']);
const resourceId = '00000000-0000-4000-8000-000000000001';

// Built as objects, not parsed: a release stored before today's rules must still be decided safely.
const definition = (components: AppDefinition['pages'][number]['components']): AppDefinition => ({
  pages: [{ name: 'main', components }],
  queries: [
    {
      type: 'sql',
      name: 'rows',
      resourceId,
      sql: 'select {{ search.value }}, {{ form1.data.x }}, {{ current_user.email }}',
      disableLoggingFor: [],
    },
    { type: 'library', name: 'fromLibrary', libraryQueryId: resourceId, version: 1 },
  ],
});

describe('a viewer’s view of an app', () => {
  it('resolves what reads only current_user on the server and leaves the rest to the browser', () => {
    const view = appViewFor(
      definition([
        { type: 'text', name: 'hello', value: 'Hi {{ current_user.firstName }}' },
        { type: 'text', name: 'plain', value: 'No expressions' },
        { type: 'stat', name: 'count', label: 'Rows', value: '{{ rows.data.length }}' },
        { type: 'text', name: 'broken', value: '{{ current_user.groups.nope() }}' },
        { type: 'textInput', name: 'search', label: 'Search', defaultValue: '{{ current_user.email }}' },
        { type: 'table', name: 't', query: 'rows', pageSize: 20 },
      ]),
      support,
    );
    const [hello, plain, count, broken, search] = view.pages[0]!.components;
    expect(hello).toMatchObject({ value: { value: 'Hi Sam' }, disabled: false });
    expect(plain).toMatchObject({ value: { value: 'No expressions' } });
    expect(count).toMatchObject({ value: { template: '{{ rows.data.length }}' } });
    expect(broken).toMatchObject({ value: { error: expect.any(String) } });
    expect(search).toMatchObject({ defaultValue: { value: 'sam@example.test' } });
    expect(view.pages[0]!.components.every((c) => !('hidden' in c))).toBe(true);
    // Only the page's inputs: form1 is not on it.
    expect(view.queries).toEqual([{ name: 'rows', inputs: ['search'] }]);
  });

  it('hides and disables by the rule for this user, and fails closed on a rule it cannot decide', () => {
    const components: AppDefinition['pages'][number]['components'] = [
      { type: 'table', name: 'adminsOnly', query: 'rows', pageSize: 20, hidden: "{{ !current_user.groups.includes('Admin') }}" },
      { type: 'button', name: 'go', label: 'Go', query: 'fromLibrary', disabled: "{{ !current_user.groups.includes('Admin') }}" },
      // Rules no definition saved today can hold (they read a component), or that fail: deny.
      { type: 'text', name: 'dynamic', value: 'x', hidden: "{{ search.value == '' }}" },
      { type: 'text', name: 'failing', value: 'x', hidden: '{{ current_user.groups.nope() }}' },
      { type: 'form', name: 'form1', fields: [], submitQuery: 'rows', disabled: '{{ search.value }}' },
    ];
    const forSupport = appViewFor(definition(components), support);
    expect(forSupport.pages[0]!.components.map((c) => [c.name, c.disabled])).toEqual([
      ['go', true],
      ['form1', true],
    ]);
    expect(forSupport.pages[0]!.components[0]).toMatchObject({ query: null });
    expect(forSupport.pages[0]!.components[1]).toMatchObject({ submitQuery: null });
    expect(forSupport.queries).toEqual([]);
    expect(queryAccess(definition(components), support, 'rows')).toEqual({ allowed: false, reason: 'disabled' });
    expect(queryAccess(definition(components), support, 'fromLibrary')).toEqual({ allowed: false, reason: 'disabled' });
    expect(queryAccess(definition(components), support, 'other')).toEqual({ allowed: false, reason: 'not_released' });
    expect(queryAccess(definition(components.slice(0, 1)), support, 'rows')).toEqual({ allowed: false, reason: 'hidden' });

    const forAdmin = appViewFor(definition(components), admin);
    expect(forAdmin.pages[0]!.components.map((c) => c.name)).toEqual(['adminsOnly', 'go', 'form1']);
    // A library query's body is not in the definition: without it the inputs are unknown (null).
    expect(forAdmin.queries).toEqual([
      { name: 'rows', inputs: ['form1'] },
      { name: 'fromLibrary', inputs: null },
    ]);
    expect(queryAccess(definition(components), admin, 'fromLibrary').allowed).toBe(true);
  });
});
