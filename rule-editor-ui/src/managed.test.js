import { describe, expect, it } from 'vitest';
import { managedState } from './managed.js';

describe('managedState', () => {
  it('a rule set no folder manages: none', () => {
    expect(managedState({ name: 'x', managedBy: null })).toBeNull();
    expect(managedState(null)).toBeNull();
  });

  it('a read-only folder: read-only, the note says where to edit and how to deploy from here', () => {
    const s = managedState({ managedBy: 'rules/fraud', folderWritable: false, drift: null });
    expect(s.badge).toBe('managed by rules/fraud');
    expect(s.readOnly).toBe(true);
    expect(s.note).toContain('edit its files there');
    expect(s.note).toContain('--rules-writable');
    expect(s.drift).toBeNull();
  });

  it('a writable folder: editable, the note says a deploy writes the folder; the drift as the server said it', () => {
    const s = managedState({ managedBy: 'rules/fraud', folderWritable: true, drift: 'version 2 runs' });
    expect(s.readOnly).toBe(false);
    expect(s.note).toMatch(/^Deploying writes the files to rules\/fraud/);
    expect(s.drift).toBe('version 2 runs');
  });
});
