import { describe, expect, it } from 'vitest';
import { isId, newId, ulid } from './ids.ts';

describe('ids', () => {
  it('are prefixed and well formed', () => {
    const id = newId('item');
    expect(id).toMatch(/^itm_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isId(id, 'item')).toBe(true);
    expect(isId(id, 'customer')).toBe(false);
  });

  it('sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => ulid(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ulid(1_700_000_000_001) > (ids.at(-1) ?? '')).toBe(true);
  });
});
