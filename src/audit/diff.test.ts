import { describe, expect, it } from 'vitest';
import { displayValue, fieldDiff } from './diff.js';

describe('fieldDiff', () => {
  it('lists only changed fields, with nested paths and readable values', () => {
    const before = { status: 'current', edition: '2', disclosure: { mode: 'read', reason: null }, keywords: ['a'] };
    const after = { status: 'withdrawn', edition: '2', disclosure: { mode: 'not-disclosed', reason: 'licence' }, keywords: ['a'] };
    expect(fieldDiff(before, after)).toEqual([
      { field: 'status', kind: 'changed', before: 'current', after: 'withdrawn' },
      { field: 'disclosure.mode', kind: 'changed', before: 'read', after: 'not-disclosed' },
      { field: 'disclosure.reason', kind: 'set', after: 'licence' },
    ]);
  });

  it('shows list changes as added and removed items in record terms', () => {
    const d = fieldDiff(
      { dates: [{ type: 'issued', value: '2024-10-28' }], titles: [{ lang: 'zh', type: 'main', text: '防火门' }] },
      {
        dates: [{ type: 'issued', value: '2024-10-28' }, { type: 'implemented', value: '2026-05-01' }],
        titles: [{ lang: 'zh', type: 'main', text: '防火门窗' }],
      },
    );
    expect(d).toEqual([
      { field: 'dates', kind: 'list', added: ['implemented 2026-05-01'], removed: [] },
      { field: 'titles', kind: 'list', added: ['zh: 防火门窗'], removed: ['zh: 防火门'] },
    ]);
  });

  it('ignores key order, handles creation and deletion, and cuts long values', () => {
    expect(fieldDiff({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toEqual([]);
    expect(fieldDiff(null, { status: 'current' })).toEqual([{ field: 'status', kind: 'set', after: 'current' }]);
    expect(fieldDiff({ status: 'current' }, null)).toEqual([{ field: 'status', kind: 'cleared', before: 'current' }]);
    expect(fieldDiff('a', 'b')).toEqual([{ field: '', kind: 'changed', before: 'a', after: 'b' }]);
    expect(displayValue('x'.repeat(1000)).length).toBe(300);
    expect(displayValue({ scheme: 'ics', code: '13.220.50' })).toBe('ICS 13.220.50');
    expect(displayValue({ type: 'replaces', target: 'GB 12955-2008' })).toBe('replaces GB 12955-2008');
    const big = Array.from({ length: 6000 }, (_, i) => i);
    expect(fieldDiff({ data: big }, { data: [...big, 1] })).toEqual([{ field: 'data', kind: 'changed', before: '[6000]', after: '[6001]' }]);
  });
});
