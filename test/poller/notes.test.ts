import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { MAX_NOTES, NotesOnce } from '../../src/poller/notes.js';

describe('NotesOnce', () => {
  it('logs each note once, at its level, and stops at MAX_NOTES distinct ones', () => {
    const lines: { level: string; msg: string; endpoint: string }[] = [];
    const notes = new NotesOnce(createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }));
    notes.once('info', 'a field is skipped');
    notes.once('info', 'a field is skipped');
    notes.once('firmware_slots', 'not served', 'info');
    expect(lines.map(({ msg, endpoint }) => [endpoint, msg])).toEqual([
      ['info', 'a field is skipped'],
      ['firmware_slots', 'not served'],
    ]);
    expect(lines.map(({ level }) => level)).toEqual(['warn', 'info']);
    for (let i = 0; i < 2 * MAX_NOTES; i++) notes.once('health_status', `note ${i}`);
    expect(lines).toHaveLength(MAX_NOTES);
  });
});
