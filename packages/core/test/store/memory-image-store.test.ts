import { describe, expect, it } from 'vitest';
import { toPropertyId } from '../../src/model/index.js';
import { MemoryImageStore } from '../../src/store/index.js';
import { describeImageStoreContract } from '../../src/testing/index.js';

describeImageStoreContract('MemoryImageStore', () => new MemoryImageStore());

describe('MemoryImageStore', () => {
  it('uses memory:// locations', async () => {
    const store = new MemoryImageStore();
    const stored = await store.put(toPropertyId('1 Main St'), 'abc.jpg', Buffer.from('x'));
    expect(stored.location).toBe('memory://1-main-st/abc.jpg');
  });
});
